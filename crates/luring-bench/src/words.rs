//! The vocabulary of the generated office text, kept apart from the code that strings it
//! together ([`crate::corpus`]) so either can be read on its own. Words come from real
//! Indonesian government correspondence: units, programmes, places, set phrases.

pub const VERBS: &[&str] = &[
    "Menyusun",
    "Menyiapkan",
    "Mengoreksi",
    "Memverifikasi",
    "Menindaklanjuti",
    "Mengirim",
    "Mengarsipkan",
    "Merekap",
    "Mengevaluasi",
    "Mengoordinasikan",
    "Menganalisis",
    "Memperbarui",
    "Menelaah",
    "Mengajukan",
    "Membahas",
    "Memfinalkan",
];

pub const OBJECTS: &[&str] = &[
    "laporan kinerja",
    "rencana kerja anggaran",
    "surat undangan rapat",
    "nota dinas",
    "data kepegawaian",
    "dokumen pengadaan barang dan jasa",
    "laporan realisasi anggaran",
    "SPJ perjalanan dinas",
    "notulen rapat koordinasi",
    "usulan kenaikan pangkat",
    "rancangan peraturan bupati",
    "laporan keuangan",
    "rekapitulasi daftar hadir",
    "rekapitulasi cuti pegawai",
    "evaluasi program prioritas",
    "berita acara serah terima",
    "usulan formasi ASN",
    "sasaran kinerja pegawai",
    "laporan monitoring lapangan",
    "disposisi pimpinan",
    "kerangka acuan kerja",
    "rencana strategis",
    "data aset daerah",
    "telaahan staf",
    "standar pelayanan publik",
];

pub const CONTEXTS: &[&str] = &[
    "triwulan I",
    "triwulan II",
    "triwulan III",
    "triwulan IV",
    "semester I",
    "semester II",
    "tahun anggaran 2026",
    "Bidang Perencanaan",
    "Sekretariat Daerah",
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Bappeda",
    "BKPSDM",
    "Inspektorat",
    "Dinas Pekerjaan Umum",
    "untuk rapat pimpinan",
    "untuk Sekretaris Daerah",
    "sesuai hasil audit",
    "revisi kedua",
];

/// Places; each appears in only some bodies, so searching one is selective.
pub const PLACES: &[&str] = &[
    "Sukamaju",
    "Cibeber",
    "Karangasem",
    "Tanjungsari",
    "Sumberrejo",
    "Mekarsari",
    "Kedungwuni",
    "Pringsewu",
    "Lubukbasung",
    "Tembilahan",
    "Sungailiat",
    "Watampone",
    "Bantaeng",
    "Majene",
    "Tondano",
    "Atambua",
    "Merauke",
    "Sorong",
    "Ternate",
    "Singkawang",
];

pub const TOPICS: &[&str] = &[
    "pelaksanaan apel pagi",
    "penyusunan laporan kinerja instansi pemerintah",
    "pengadaan barang dan jasa pemerintah",
    "perjalanan dinas dalam daerah",
    "pemutakhiran data kepegawaian",
    "percepatan realisasi anggaran",
    "pelaksanaan reformasi birokrasi",
    "penilaian sasaran kinerja pegawai",
    "penanganan pengaduan masyarakat",
    "pengelolaan arsip dinamis",
    "pelaksanaan musyawarah perencanaan pembangunan",
    "penanggulangan bencana daerah",
    "peningkatan pelayanan terpadu satu pintu",
    "pengawasan internal",
    "penerapan sistem pemerintahan berbasis elektronik",
    "cuti bersama",
];

pub const DOC_KINDS: &[&str] = &[
    "Nota Dinas tentang",
    "Surat Undangan",
    "Laporan Hasil",
    "Memo Internal mengenai",
    "Surat Edaran tentang",
    "Telaahan Staf tentang",
    "Berita Acara",
];

pub const UNITS: &[&str] = &[
    "satuan kerja perangkat daerah",
    "unit kerja eselon III",
    "kecamatan",
    "kelurahan",
    "bidang dan subbagian",
    "puskesmas",
    "sekolah negeri",
];

pub const DAYS: &[&str] = &["Senin", "Selasa", "Rabu", "Kamis", "Jumat"];

pub const REQUESTS: &[&str] = &[
    "menugaskan pejabat yang membidangi untuk hadir tepat waktu",
    "menyampaikan data pendukung dalam format yang telah ditentukan",
    "memberikan arahan dan persetujuan",
    "menindaklanjuti hal tersebut sesuai ketentuan yang berlaku",
    "mengoordinasikan pelaksanaannya dengan bagian keuangan",
    "memastikan seluruh pegawai mengisi daftar hadir elektronik",
];

/// Words and word pairs that occur in the bodies, as a person would type them; some are
/// everywhere ("anggaran"), some rare (a place), some typed as prefixes ("kepegawai").
pub const SEARCH_QUERIES: &[&str] = &[
    "anggaran",
    "rapat koordinasi",
    "pengadaan barang",
    "kepegawai",
    "perjalanan dinas",
    "Sukamaju",
    "realisasi",
    "reformasi birokrasi",
    "Merauke",
    "pengaduan masyarakat",
    "arsip",
    "kinerja",
    "Tanjungsari laporan",
    "pelayanan terpadu",
    "bencana",
    "cuti",
    "peraturan",
    "evaluasi",
    "Watampone",
    "elektronik",
];
