//! Country names and codes to ISO 3166-1 alpha-2, so that `Korea, North`, `Democratic People's
//! Republic of Korea` and `KP` compare equal.

use std::collections::HashMap;
use std::sync::OnceLock;

/// `CODE|name|other name|…`: ISO 3166-1 alpha-2 with the English short name and the spellings
/// the OFAC, UN and CSL files use.
const TABLE: &[&str] = &[
    "AD|Andorra",
    "AE|United Arab Emirates|UAE|Emirati",
    "AF|Afghanistan|Afghan",
    "AG|Antigua and Barbuda",
    "AI|Anguilla",
    "AL|Albania|Albanian",
    "AM|Armenia|Armenian",
    "AO|Angola|Angolan",
    "AQ|Antarctica",
    "AR|Argentina|Argentinian|Argentine",
    "AS|American Samoa",
    "AT|Austria|Austrian",
    "AU|Australia|Australian",
    "AW|Aruba",
    "AX|Aland Islands",
    "AZ|Azerbaijan|Azerbaijani",
    "BA|Bosnia and Herzegovina|Bosnia-Herzegovina|Bosnia",
    "BB|Barbados",
    "BD|Bangladesh|Bangladeshi",
    "BE|Belgium|Belgian",
    "BF|Burkina Faso",
    "BG|Bulgaria|Bulgarian",
    "BH|Bahrain|Bahraini",
    "BI|Burundi|Burundian",
    "BJ|Benin",
    "BL|Saint Barthelemy",
    "BM|Bermuda",
    "BN|Brunei|Brunei Darussalam",
    "BO|Bolivia|Bolivia (Plurinational State of)|Bolivian",
    "BQ|Bonaire, Sint Eustatius and Saba",
    "BR|Brazil|Brazilian",
    "BS|Bahamas|Bahamas, The|The Bahamas",
    "BT|Bhutan",
    "BV|Bouvet Island",
    "BW|Botswana",
    "BY|Belarus|Belarusian|Byelorussia",
    "BZ|Belize",
    "CA|Canada|Canadian",
    "CC|Cocos (Keeling) Islands",
    "CD|Congo, Democratic Republic of the|Democratic Republic of the Congo|DRC|DR Congo|Congo (Kinshasa)|Zaire",
    "CF|Central African Republic|CAR",
    "CG|Congo|Congo, Republic of the|Republic of the Congo|Congo (Brazzaville)",
    "CH|Switzerland|Swiss",
    "CI|Cote d'Ivoire|Cote d Ivoire|Ivory Coast",
    "CK|Cook Islands",
    "CL|Chile|Chilean",
    "CM|Cameroon|Cameroonian",
    "CN|China|People's Republic of China|Chinese",
    "CO|Colombia|Colombian",
    "CR|Costa Rica",
    "CU|Cuba|Cuban",
    "CV|Cabo Verde|Cape Verde",
    "CW|Curacao",
    "CX|Christmas Island",
    "CY|Cyprus|Cypriot",
    "CZ|Czechia|Czech Republic|Czech",
    "DE|Germany|German",
    "DJ|Djibouti",
    "DK|Denmark|Danish",
    "DM|Dominica",
    "DO|Dominican Republic",
    "DZ|Algeria|Algerian",
    "EC|Ecuador|Ecuadorian",
    "EE|Estonia|Estonian",
    "EG|Egypt|Egyptian",
    "EH|Western Sahara",
    "ER|Eritrea|Eritrean",
    "ES|Spain|Spanish",
    "ET|Ethiopia|Ethiopian",
    "FI|Finland|Finnish",
    "FJ|Fiji",
    "FK|Falkland Islands",
    "FM|Micronesia|Micronesia, Federated States of",
    "FO|Faroe Islands",
    "FR|France|French",
    "GA|Gabon",
    "GB|United Kingdom|United Kingdom of Great Britain and Northern Ireland|UK|Great Britain|Britain|British",
    "GD|Grenada",
    "GE|Georgia|Georgian",
    "GF|French Guiana",
    "GG|Guernsey",
    "GH|Ghana|Ghanaian",
    "GI|Gibraltar",
    "GL|Greenland",
    "GM|Gambia|The Gambia|Gambia, The",
    "GN|Guinea",
    "GP|Guadeloupe",
    "GQ|Equatorial Guinea",
    "GR|Greece|Greek",
    "GS|South Georgia and the South Sandwich Islands",
    "GT|Guatemala|Guatemalan",
    "GU|Guam",
    "GW|Guinea-Bissau|Guinea Bissau",
    "GY|Guyana",
    "HK|Hong Kong|China, Hong Kong Special Administrative Region|Hong Kong SAR",
    "HM|Heard Island and McDonald Islands",
    "HN|Honduras|Honduran",
    "HR|Croatia|Croatian",
    "HT|Haiti|Haitian",
    "HU|Hungary|Hungarian",
    "ID|Indonesia|Indonesian",
    "IE|Ireland|Irish",
    "IL|Israel|Israeli",
    "IM|Isle of Man",
    "IN|India|Indian",
    "IO|British Indian Ocean Territory",
    "IQ|Iraq|Iraqi",
    "IR|Iran|Iran (Islamic Republic of)|Islamic Republic of Iran|Iranian",
    "IS|Iceland",
    "IT|Italy|Italian",
    "JE|Jersey",
    "JM|Jamaica|Jamaican",
    "JO|Jordan|Jordanian",
    "JP|Japan|Japanese",
    "KE|Kenya|Kenyan",
    "KG|Kyrgyzstan|Kyrgyz Republic|Kyrgyz",
    "KH|Cambodia|Cambodian",
    "KI|Kiribati",
    "KM|Comoros",
    "KN|Saint Kitts and Nevis|St. Kitts and Nevis",
    "KP|Korea, North|North Korea|Democratic People's Republic of Korea|DPRK|Korea, Democratic People's Republic of|North Korean",
    "KR|Korea, South|South Korea|Republic of Korea|Korea, Republic of|South Korean",
    "KW|Kuwait|Kuwaiti",
    "KY|Cayman Islands",
    "KZ|Kazakhstan|Kazakh",
    "LA|Laos|Lao People's Democratic Republic|Lao",
    "LB|Lebanon|Lebanese",
    "LC|Saint Lucia",
    "LI|Liechtenstein",
    "LK|Sri Lanka|Sri Lankan",
    "LR|Liberia|Liberian",
    "LS|Lesotho",
    "LT|Lithuania|Lithuanian",
    "LU|Luxembourg",
    "LV|Latvia|Latvian",
    "LY|Libya|Libyan|Libyan Arab Jamahiriya",
    "MA|Morocco|Moroccan",
    "MC|Monaco",
    "MD|Moldova|Republic of Moldova|Moldova, Republic of",
    "ME|Montenegro",
    "MF|Saint Martin",
    "MG|Madagascar",
    "MH|Marshall Islands",
    "MK|North Macedonia|Macedonia|Macedonia, The Former Yugoslav Republic of|The former Yugoslav Republic of Macedonia",
    "ML|Mali|Malian|Region: Northern Mali",
    "MM|Burma|Myanmar|Burmese",
    "MN|Mongolia|Mongolian",
    "MO|Macau|Macao|China, Macao Special Administrative Region",
    "MP|Northern Mariana Islands",
    "MQ|Martinique",
    "MR|Mauritania|Mauritanian",
    "MS|Montserrat",
    "MT|Malta|Maltese",
    "MU|Mauritius",
    "MV|Maldives",
    "MW|Malawi",
    "MX|Mexico|Mexican",
    "MY|Malaysia|Malaysian",
    "MZ|Mozambique",
    "NA|Namibia",
    "NC|New Caledonia",
    "NE|Niger",
    "NF|Norfolk Island",
    "NG|Nigeria|Nigerian",
    "NI|Nicaragua|Nicaraguan",
    "NL|Netherlands|The Netherlands|Dutch|Holland",
    "NO|Norway|Norwegian",
    "NP|Nepal|Nepalese|Nepali",
    "NR|Nauru",
    "NU|Niue",
    "NZ|New Zealand",
    "OM|Oman|Omani",
    "PA|Panama|Panamanian",
    "PE|Peru|Peruvian",
    "PF|French Polynesia",
    "PG|Papua New Guinea",
    "PH|Philippines|Filipino|Philippine",
    "PK|Pakistan|Pakistani",
    "PL|Poland|Polish",
    "PM|Saint Pierre and Miquelon",
    "PN|Pitcairn",
    "PR|Puerto Rico",
    "PS|Palestine|State of Palestine|Palestinian|Palestinian Territories|West Bank|Gaza|Region: Gaza|Occupied Palestinian Territory",
    "PT|Portugal|Portuguese",
    "PW|Palau",
    "PY|Paraguay|Paraguayan",
    "QA|Qatar|Qatari",
    "RE|Reunion",
    "RO|Romania|Romanian",
    "RS|Serbia|Serbian",
    "RU|Russia|Russian Federation|Russian",
    "RW|Rwanda|Rwandan",
    "SA|Saudi Arabia|Saudi",
    "SB|Solomon Islands",
    "SC|Seychelles",
    "SD|Sudan|Sudanese",
    "SE|Sweden|Swedish",
    "SG|Singapore|Singaporean",
    "SH|Saint Helena",
    "SI|Slovenia|Slovenian",
    "SJ|Svalbard and Jan Mayen",
    "SK|Slovakia|Slovak Republic|Slovak",
    "SL|Sierra Leone",
    "SM|San Marino",
    "SN|Senegal|Senegalese",
    "SO|Somalia|Somali",
    "SR|Suriname",
    "SS|South Sudan",
    "ST|Sao Tome and Principe",
    "SV|El Salvador|Salvadoran",
    "SX|Sint Maarten",
    "SY|Syria|Syrian Arab Republic|Syrian",
    "SZ|Eswatini|Swaziland",
    "TC|Turks and Caicos Islands",
    "TD|Chad|Chadian",
    "TF|French Southern Territories",
    "TG|Togo",
    "TH|Thailand|Thai",
    "TJ|Tajikistan|Tajik",
    "TK|Tokelau",
    "TL|Timor-Leste|East Timor",
    "TM|Turkmenistan|Turkmen",
    "TN|Tunisia|Tunisian",
    "TO|Tonga",
    "TR|Turkey|Turkiye|Turkish",
    "TT|Trinidad and Tobago",
    "TV|Tuvalu",
    "TW|Taiwan|Taiwan, Province of China|Chinese Taipei",
    "TZ|Tanzania|United Republic of Tanzania|Tanzania, United Republic of|Tanzanian",
    "UA|Ukraine|Ukrainian|Region: Crimea|Crimea",
    "UG|Uganda|Ugandan",
    "UM|United States Minor Outlying Islands",
    "US|United States|United States of America|USA|U.S.A.|U.S.|American",
    "UY|Uruguay|Uruguayan",
    "UZ|Uzbekistan|Uzbek",
    "VA|Holy See|Vatican",
    "VC|Saint Vincent and the Grenadines",
    "VE|Venezuela|Venezuela (Bolivarian Republic of)|Venezuelan",
    "VG|British Virgin Islands|Virgin Islands, British",
    "VI|US Virgin Islands|Virgin Islands, U.S.",
    "VN|Vietnam|Viet Nam|Vietnamese",
    "VU|Vanuatu",
    "WF|Wallis and Futuna",
    "WS|Samoa",
    "XK|Kosovo",
    "YE|Yemen|Yemeni",
    "YT|Mayotte",
    "ZA|South Africa|South African",
    "ZM|Zambia|Zambian",
    "ZW|Zimbabwe|Zimbabwean",
    "AN|Netherlands Antilles",
    "SU|Soviet Union|former Soviet Union|USSR",
    "YU|Yugoslavia|former Yugoslavia",
];

/// Spellings that name no country.
const NOT_A_COUNTRY: &[&str] = &[
    "",
    "na",
    "n a",
    "none",
    "unknown",
    "undetermined",
    "stateless",
];

fn key(s: &str) -> String {
    let folded = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = String::with_capacity(folded.len());
    for word in folded
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.replace('\'', ""));
    }
    out
}

fn table() -> &'static HashMap<String, &'static str> {
    static TABLE_MAP: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE_MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for row in TABLE {
            let mut parts = row.split('|');
            let Some(code) = parts.next() else { continue };
            map.insert(code.to_ascii_lowercase(), code);
            for name in parts {
                map.insert(key(name), code);
            }
        }
        map
    })
}

/// The ISO 3166-1 alpha-2 code (upper case) for a country name or code; a name not in the
/// table comes back folded to lower case ASCII; `None` for empty or non-country values.
/// A leading `possibly ` is ignored.
pub fn normalise_country(s: &str) -> Option<String> {
    let mut k = key(s);
    if let Some(rest) = k.strip_prefix("possibly ") {
        k = rest.to_string();
    }
    if NOT_A_COUNTRY.contains(&k.as_str()) {
        return None;
    }
    match table().get(&k) {
        Some(code) => Some((*code).to_string()),
        None => Some(k),
    }
}

/// The ISO code for a country name or code, only when it is known.
pub fn country_code(s: &str) -> Option<&'static str> {
    table().get(&key(s)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_spellings_map_to_codes() {
        for (input, code) in [
            ("Korea, North", "KP"),
            ("Democratic People's Republic of Korea", "KP"),
            ("kp", "KP"),
            ("Iran (Islamic Republic of)", "IR"),
            ("Russian Federation", "RU"),
            ("Türkiye", "TR"),
            ("Congo, Democratic Republic of the", "CD"),
            ("China, Hong Kong Special Administrative Region", "HK"),
            ("United Kingdom of Great Britain and Northern Ireland", "GB"),
            ("us", "US"),
            ("Burma", "MM"),
            ("possibly Palestinian", "PS"),
            ("Viet Nam", "VN"),
            ("Côte d'Ivoire", "CI"),
        ] {
            assert_eq!(normalise_country(input).as_deref(), Some(code), "{input}");
        }
        assert_eq!(
            normalise_country("Region: Kafia Kingi").as_deref(),
            Some("region kafia kingi")
        );
        assert_eq!(normalise_country("undetermined"), None);
        assert_eq!(normalise_country(" "), None);
    }
}
