//! Users of the AnyCheck surface: an organisation's owner sees everything in it; a group user
//! sees only the folders of the groups they belong to. Token lifetimes live here too.

use super::state::text_enum;

text_enum! {
    pub enum Role {
        Owner => "owner",
        GroupUser => "group_user",
    }
}

/// How long an access token is valid.
pub const ACCESS_TOKEN_SECS: i64 = 3600;
/// How long a refresh token is valid.
pub const REFRESH_TOKEN_SECS: i64 = 30 * 24 * 3600;
/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Who acts, as far as access rules are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The organisation's owner, or a server-to-server client with the organisation's API key.
    Organisation,
    /// A group user: only these groups' folders.
    Groups(Vec<String>),
}

impl Access {
    /// Whether the caller may see and work in a folder of `group_id`.
    pub fn reaches_group(&self, group_id: &str) -> bool {
        match self {
            Access::Organisation => true,
            Access::Groups(groups) => groups.iter().any(|g| g == group_id),
        }
    }

    /// Whether the caller may see and submit an uploaded file: a group user only their groups'
    /// uploads (`None`: the owner's or the API key's, which are the organisation's).
    pub fn reaches_upload(&self, group_id: Option<&str>) -> bool {
        match (self, group_id) {
            (Access::Organisation, _) => true,
            (Access::Groups(_), None) => false,
            (Access::Groups(_), Some(group)) => self.reaches_group(group),
        }
    }
}

/// Normalises an e-mail address for look-ups: trimmed, lower case.
pub fn normalise_email(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_users_reach_only_their_groups() {
        assert!(Access::Organisation.reaches_group("g1"));
        let user = Access::Groups(vec!["g1".into()]);
        assert!(user.reaches_group("g1") && !user.reaches_group("g2"));
        assert_eq!(normalise_email(" A@B.co "), "a@b.co");
        assert_eq!(Role::parse("group_user"), Some(Role::GroupUser));
    }
}
