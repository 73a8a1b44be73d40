//! An organisation's own settings (kept as one JSON document per organisation).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog::CheckSpec;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    /// Its own price per check type (catalog key → credits), where it has one.
    #[serde(default)]
    pub prices: BTreeMap<String, i64>,
    /// Whether subjects screened by its checks are kept and screened again when a list changes
    /// (ongoing monitoring; on unless turned off).
    #[serde(default = "on")]
    pub screening_monitoring: bool,
}

fn on() -> bool {
    true
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            prices: BTreeMap::new(),
            screening_monitoring: true,
        }
    }
}

impl OrgSettings {
    /// The organisation's price for a check (its own, else the catalog's).
    pub fn price(&self, spec: &CheckSpec) -> i64 {
        self.prices
            .get(spec.key)
            .copied()
            .filter(|p| *p >= 0)
            .unwrap_or(spec.price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog;

    #[test]
    fn own_prices_replace_the_catalogs() {
        let pan = catalog::spec("identity_pan").unwrap();
        let mut settings = OrgSettings::default();
        assert_eq!(settings.price(pan), pan.price);
        settings.prices.insert("identity_pan".into(), 7);
        assert_eq!(settings.price(pan), 7);
        let parsed: OrgSettings = serde_json::from_str(r#"{"prices":{"identity_pan":3}}"#).unwrap();
        assert_eq!(parsed.price(pan), 3);
        assert_eq!(
            serde_json::from_str::<OrgSettings>("{}").unwrap(),
            OrgSettings::default()
        );
        assert!(OrgSettings::default().screening_monitoring);
        let off: OrgSettings = serde_json::from_str(r#"{"screening_monitoring":false}"#).unwrap();
        assert!(!off.screening_monitoring);
    }
}
