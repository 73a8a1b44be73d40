//! Synthetic Indian people and businesses for the sandbox: the same key always yields the same
//! person. Names and places are common ones; every record is labelled sandbox where it is served.

use chrono::{Datelike, NaiveDate};

use crate::domain::ids::{Gstin, Pan};
use crate::domain::rng::Rng;

const MALE_NAMES: &[&str] = &[
    "Vivek", "Rahul", "Amit", "Suresh", "Ramesh", "Arjun", "Karthik", "Manish", "Sanjay",
    "Venkata", "Mohammed", "Imran", "Rajesh", "Anil", "Praveen", "Srinivas", "Harish", "Nikhil",
    "Rohit", "Gaurav",
];
const FEMALE_NAMES: &[&str] = &[
    "Priya", "Anjali", "Lakshmi", "Sneha", "Divya", "Kavya", "Pooja", "Meera", "Ayesha", "Fatima",
    "Deepika", "Swathi", "Neha", "Shreya", "Radha", "Sunita", "Asha", "Bhavana", "Keerthi",
    "Nandini",
];
const SURNAMES: &[&str] = &[
    "Patel", "Sharma", "Reddy", "Gupta", "Nallala", "Iyer", "Nair", "Khan", "Singh", "Kumar",
    "Rao", "Das", "Mehta", "Joshi", "Verma", "Chowdary", "Pillai", "Shaikh", "Banerjee", "Mancha",
];
const OCCUPATIONS: &[&str] = &[
    "SALARIED",
    "SELF EMPLOYED",
    "BUSINESS",
    "PROFESSIONAL",
    "STUDENT",
];
const STREETS: &[&str] = &[
    "MG Road",
    "Station Road",
    "Gandhi Nagar",
    "Nehru Street",
    "Temple Street",
    "Main Road",
    "Lake View Colony",
    "Ambedkar Nagar",
    "Market Road",
    "Church Street",
];

/// (state, GST state code, a city, pincode prefix of 3 digits)
pub const PLACES: &[(&str, &str, &str, &str)] = &[
    ("ANDHRA PRADESH", "37", "Ongole", "523"),
    ("TELANGANA", "36", "Hyderabad", "500"),
    ("KARNATAKA", "29", "Bengaluru", "560"),
    ("TAMIL NADU", "33", "Chennai", "600"),
    ("MAHARASHTRA", "27", "Pune", "411"),
    ("DELHI", "07", "New Delhi", "110"),
    ("GUJARAT", "24", "Ahmedabad", "380"),
    ("KERALA", "32", "Kochi", "682"),
    ("WEST BENGAL", "19", "Kolkata", "700"),
    ("UTTAR PRADESH", "09", "Lucknow", "226"),
];

#[derive(Debug, Clone)]
pub struct Address {
    pub line: String,
    pub city: String,
    pub state: String,
    pub pincode: String,
}

impl Address {
    pub fn full(&self) -> String {
        format!(
            "{}, {}, {} {}",
            self.line, self.city, self.state, self.pincode
        )
    }
}

#[derive(Debug, Clone)]
pub struct Person {
    pub first_name: String,
    pub surname: String,
    pub gender: &'static str,
    pub dob: NaiveDate,
    pub father_name: String,
    pub occupation: &'static str,
    pub pan: Pan,
    pub address: Address,
    pub email: String,
}

impl Person {
    /// "Nallala Vivek"-style: how many Indian registries print a name (surname first).
    pub fn registry_name(&self) -> String {
        format!("{} {}", self.surname, self.first_name)
    }

    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }

    pub fn age_on(&self, today: NaiveDate) -> i32 {
        let mut age = today.year() - self.dob.year();
        if (today.month(), today.day()) < (self.dob.month(), self.dob.day()) {
            age -= 1;
        }
        age
    }
}

/// The person the sandbox holds for `key` (a mobile number, an Aadhaar number, …).
pub fn person(domain: &str, key: &str) -> Person {
    let mut rng = Rng::keyed(domain, key);
    let male = rng.chance(55);
    let first_name = rng
        .pick(if male { MALE_NAMES } else { FEMALE_NAMES })
        .to_string();
    let surname = rng.pick(SURNAMES).to_string();
    let father_first = rng.pick(MALE_NAMES).to_string();
    let year = rng.range(1965, 2004) as i32;
    let dob = NaiveDate::from_ymd_opt(year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
        .unwrap_or_default();
    let occupation = *rng.pick(OCCUPATIONS);
    let pan = sandbox_pan(&mut rng, 'P', &surname);
    let (state, _, city, prefix) = *rng.pick(PLACES);
    let address = Address {
        line: format!(
            "H No {}-{}, {}",
            rng.range(1, 99),
            rng.range(1, 999),
            rng.pick(STREETS)
        ),
        city: city.to_string(),
        state: state.to_string(),
        pincode: format!("{prefix}{}", rng.digits(3)),
    };
    let email = format!(
        "{}.{}{}@example.in",
        first_name.to_ascii_lowercase(),
        surname.to_ascii_lowercase(),
        rng.range(1, 99)
    );
    Person {
        gender: if male { "Male" } else { "Female" },
        father_name: format!("{father_first} {surname}"),
        first_name,
        surname,
        dob,
        occupation,
        pan,
        address,
        email,
    }
}

/// A structurally valid PAN for a holder type whose 5th letter is the name's initial.
pub fn sandbox_pan(rng: &mut Rng, holder: char, name: &str) -> Pan {
    let initial = name
        .chars()
        .find(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .unwrap_or('X');
    let serial = rng.range(1, 9999);
    let raw = format!(
        "{}{holder}{initial}{serial:04}{}",
        rng.letters(3),
        rng.letters(1)
    );
    // Every part is generated inside its rule (3 letters, a holder type, a letter, a serial of
    // 0001–9999, a letter), so this cannot fail.
    Pan::parse(&raw).expect("a generated PAN follows the PAN rules")
}

/// A valid GSTIN for `state_code` and `pan`, entity 1, with its real check character.
pub fn sandbox_gstin(state_code: &str, pan: &Pan) -> Option<Gstin> {
    Gstin::with_check_char(&format!("{state_code}{}1Z", pan.as_str())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_deterministic_and_valid() {
        let a = person("bureau", "9553226860");
        let b = person("bureau", "9553226860");
        assert_eq!(a.display_name(), b.display_name());
        assert_eq!(a.pan, b.pan);
        assert_eq!(
            a.pan.card_holder_name_initial(),
            a.surname.chars().next().unwrap()
        );
        assert_eq!(a.address.pincode.len(), 6);
        for key in 0..500 {
            let p = person("x", &key.to_string());
            assert!(Pan::parse(p.pan.as_str()).is_ok());
            assert!(sandbox_gstin("27", &p.pan).is_some());
        }
    }
}
