//! Webhook targets.

/// The organisation's webhook URL: absolute http(s) with a host. The error is the sentence
/// clients see.
pub fn validate_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim())
        .map_err(|_| "url must be an absolute http(s) URL.".to_string())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("url must be an absolute http(s) URL.".into());
    }
    Ok(url.to_string())
}
