//! New entity ids: a kind prefix and 12 random base-32 characters (60 bits), short enough
//! to type from a printed list, unique enough for an agency's lifetime of offline creation.

use rand::Rng;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

pub(crate) fn new_id(prefix: &str) -> String {
    let mut n: u64 = rand::rng().random();
    let mut s = String::with_capacity(prefix.len() + 13);
    s.push_str(prefix);
    s.push('-');
    for _ in 0..12 {
        s.push(ALPHABET[(n & 31) as usize] as char);
        n >>= 5;
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_valid_entity_ids_and_differ() {
        let a = super::new_id("t");
        assert!(luring_model::EntityId::parse(&a).is_ok());
        assert_eq!(a.len(), 14);
        assert_ne!(a, super::new_id("t"));
    }
}
