//! `admin seed-demo`: a regional planning agency (Bappeda) with units, staff and
//! supervisors, so the desktop and CLI have something real to show.

use crate::admin;
use crate::db::Database;
use crate::error::Result;

/// A demo login: NIP, name, unit, role, password.
pub struct DemoUser {
    pub nip: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub role: &'static str,
    pub password: &'static str,
}

pub const UNITS: &[(&str, &str, Option<&str>)] = &[
    (
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah Kabupaten Sukamaju",
        None,
    ),
    (
        "BAPPEDA.PEM",
        "Bidang Pemerintahan dan Pembangunan Manusia",
        Some("BAPPEDA"),
    ),
    (
        "BAPPEDA.EKO",
        "Bidang Perekonomian dan Sumber Daya Alam",
        Some("BAPPEDA"),
    ),
    (
        "BAPPEDA.PEM.DATA",
        "Sub Bidang Data dan Informasi",
        Some("BAPPEDA.PEM"),
    ),
];

pub const USERS: &[DemoUser] = &[
    DemoUser {
        nip: "197805122005011003",
        name: "Dr. Hendra Wijaya, M.Si.",
        unit: "BAPPEDA",
        role: "supervisor",
        password: "kepala-bappeda-2026",
    },
    DemoUser {
        nip: "198211032008012004",
        name: "Siti Rahmawati, S.E., M.M.",
        unit: "BAPPEDA.PEM",
        role: "supervisor",
        password: "kabid-pem-2026",
    },
    DemoUser {
        nip: "198703122010011002",
        name: "Ani Lestari, S.T.",
        unit: "BAPPEDA.PEM",
        role: "staff",
        password: "ani-lestari-2026",
    },
    DemoUser {
        nip: "199001012015031001",
        name: "Budi Santoso, S.Kom.",
        unit: "BAPPEDA.PEM.DATA",
        role: "staff",
        password: "budi-santoso-2026",
    },
    DemoUser {
        nip: "198912202014022001",
        name: "Maria Goreti Ndun, S.P.",
        unit: "BAPPEDA.EKO",
        role: "staff",
        password: "maria-ndun-2026",
    },
    DemoUser {
        nip: "197601012000031001",
        name: "Yohanes Lado",
        unit: "BAPPEDA",
        role: "admin",
        password: "admin-bappeda-2026",
    },
];

/// Creates the demo units and users (the agency must exist).
pub fn seed<D: Database>(db: &D) -> Result<()> {
    for (code, name, parent) in UNITS {
        admin::add_unit(db, code, name, *parent)?;
    }
    for u in USERS {
        admin::add_user(db, u.nip, u.name, u.unit, u.role, u.password)?;
    }
    Ok(())
}
