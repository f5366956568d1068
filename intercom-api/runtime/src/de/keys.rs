//! Finding a key among a struct's wire names: a small open-addressing table, built at compile
//! time from the names by a `const fn`, so generated code carries only the list of names.

/// Slots in a table; a struct with more names than [`Keys::MAX_HASHED`] is searched linearly.
const SLOTS: usize = 128;

/// The wire names of a struct, with the table that finds one in about one comparison.
///
/// Generated code never writes one: [`DecodeObject::KEYS`](super::DecodeObject::KEYS) is built
/// from [`DecodeObject::FIELDS`](super::DecodeObject::FIELDS) at compile time.
#[doc(hidden)]
pub struct Keys {
    names: &'static [&'static str],
    /// `0` for an empty slot, else the index of a name plus one.
    slots: [u8; SLOTS],
    /// `SLOTS - 1`, or `0` when the names are too many for the table (linear search).
    mask: usize,
}

impl Keys {
    /// At most half the slots are filled, so that a probe ends after about one comparison.
    pub const MAX_HASHED: usize = SLOTS / 2;

    /// The table for `names`.
    pub const fn new(names: &'static [&'static str]) -> Keys {
        let mut slots = [0u8; SLOTS];
        if names.len() > Self::MAX_HASHED {
            return Keys { names, slots, mask: 0 };
        }
        let mut index = 0;
        while index < names.len() {
            let mut slot = hash(names[index].as_bytes()) & (SLOTS - 1);
            while slots[slot] != 0 {
                slot = (slot + 1) & (SLOTS - 1);
            }
            slots[slot] = index as u8 + 1;
            index += 1;
        }
        Keys { names, slots, mask: SLOTS - 1 }
    }

    /// The index of `key`, looked for first at `expected`: keys usually come in the order
    /// the spec declares them.
    pub fn find(&self, key: &str, expected: usize) -> Option<usize> {
        let key = key.as_bytes();
        if self.names.get(expected).is_some_and(|name| same(name.as_bytes(), key)) {
            return Some(expected);
        }
        if self.mask == 0 {
            return self.names.iter().position(|name| same(name.as_bytes(), key));
        }
        let mut slot = hash(key) & self.mask;
        loop {
            let index = self.slots[slot] as usize;
            if index == 0 {
                return None;
            }
            if same(self.names[index - 1].as_bytes(), key) {
                return Some(index - 1);
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

/// Whether a wire name and a key are the same bytes. Wire names are short: up to 32 bytes,
/// a few overlapping word loads compare them without the call to `memcmp` that `==` makes
/// (which was a twentieth of a decode).
#[inline]
fn same(name: &[u8], key: &[u8]) -> bool {
    let len = name.len();
    if len != key.len() {
        return false;
    }
    match len {
        0..=3 => name == key,
        4..=7 => word4(name, 0) == word4(key, 0) && word4(name, len - 4) == word4(key, len - 4),
        8..=32 => {
            // [0, 16) and [len - 16, len) cover every byte; the middle words only when needed.
            let (head, tail) = (len.min(16) - 8, len.max(16) - 16);
            word8(name, 0) == word8(key, 0)
                && word8(name, head) == word8(key, head)
                && word8(name, tail) == word8(key, tail)
                && word8(name, len - 8) == word8(key, len - 8)
        }
        _ => name == key,
    }
}

fn word4(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_ne_bytes(word)
}

fn word8(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_ne_bytes(word)
}

/// A cheap hash of a key: its length and four of its bytes, which tell most wire names apart
/// (`created_at` / `updated_at`, `ios_app_name` / `ios_app_version`).
const fn hash(key: &[u8]) -> usize {
    let len = key.len();
    if len == 0 {
        return 0;
    }
    let mut h = mix(0x811c_9dc5, len as u8);
    h = mix(h, key[0]);
    h = mix(h, key[len / 2]);
    h = mix(h, key[len - 1]);
    if len > 2 {
        h = mix(h, key[1]);
    }
    h ^ (h >> 15)
}

/// One FNV-1a step.
const fn mix(h: usize, byte: u8) -> usize {
    (h ^ byte as usize).wrapping_mul(0x0100_0193)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTACT: &[&str] = &[
        "type",
        "id",
        "external_id",
        "workspace_id",
        "role",
        "email",
        "email_domain",
        "phone",
        "name",
        "owner_id",
        "has_hard_bounced",
        "created_at",
        "updated_at",
        "signed_up_at",
        "ios_app_name",
        "ios_app_version",
        "ios_device",
        "android_app_name",
        "android_app_version",
        "android_device",
        "",
        "x",
    ];

    #[test]
    fn every_name_is_found_from_any_expected_position_and_others_are_not() {
        let keys = Keys::new(CONTACT);
        for (index, name) in CONTACT.iter().enumerate() {
            for expected in [0, index, index + 1, CONTACT.len() + 5] {
                assert_eq!(keys.find(name, expected), Some(index), "{name}");
            }
        }
        for missing in ["utm_source", "referrer", "ids", "y", "typ", "external_idx"] {
            assert_eq!(keys.find(missing, 3), None, "{missing}");
        }
    }

    #[test]
    fn names_of_every_length_compare_by_every_byte() {
        for len in 0..40 {
            let name: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same(&name, &name.clone()), "{len}");
            for at in 0..len {
                let mut other = name.clone();
                other[at] = b'_';
                assert!(!same(&name, &other), "{len} differing at {at}");
            }
            assert!(!same(&name, &name[..len.saturating_sub(1)]) || len == 0);
        }
    }

    #[test]
    fn too_many_names_are_searched_linearly() {
        let names: Vec<&'static str> = (0..200).map(|i| &*String::leak(format!("field_{i}"))).collect();
        let keys = Keys::new(names.leak());
        assert_eq!(keys.mask, 0);
        assert_eq!(keys.find("field_150", 0), Some(150));
        assert_eq!(keys.find("field_200", 0), None);
    }
}
