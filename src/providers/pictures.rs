//! The pictures the document stages read: an image file as it is, a PDF as its first page
//! rendered by poppler's `pdftoppm` (installed by `scripts/setup.sh`; an ID card scanned into a
//! PDF is read like a photo of it). Bounded three ways (`docs/documents.md`):
//!
//! - **size**: the page is rendered at 300 dpi with its longer side capped in pixels
//!   ([`MAX_PICTURE_SIDE_PX`]), and a page larger than [`MAX_PAGE_SIDE_PT`] is refused before
//!   anything is rendered (`page_too_large`, final);
//! - **once per file**: a process keeps the last few pictures by the SHA-256 of the file (and
//!   its password), and the stages asking for one being rendered wait for that render — its
//!   failure too;
//! - **at once**: at most `max_concurrent_document_renders` PDFs are opened and rendered at a
//!   time per process; the others wait.
//!
//! An encrypted PDF is decrypted here, in memory, and piped to `pdftoppm` in the clear: its
//! password is never on a command line (where every local user sees it in `ps`).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};

use super::ProviderError;
use super::kyc::InputFile;
use crate::files::kind::{FileKind, PageSize, PdfError, open_pdf};

/// Pages rendered at this resolution (the OCR reader is tuned for ID-1 at 300 dpi)…
pub const RENDER_DPI: f64 = 300.0;
/// …with the longer side at most this many pixels: an A4 page at 300 dpi (a card scanned on A4
/// keeps its 300 dpi; a larger page is scaled down). At most 3,508 × 3,508 px, about 50 MB for
/// `pdftoppm` while it runs.
pub const MAX_PICTURE_SIDE_PX: u32 = 3508;
/// The longest page side read, in points (1/72 inch, times the page's `/UserUnit`): 2,000 pt is
/// 70.6 cm, above A2 (1,684 pt). A card or a scan of it is far smaller; a larger page is refused.
pub const MAX_PAGE_SIDE_PT: f64 = 2000.0;
/// How long one `pdftoppm` run may take.
const RENDER_TIMEOUT: Duration = Duration::from_secs(20);
/// Pictures kept per process, by count and by bytes (the most recent one is always kept).
const PICTURES_KEPT: usize = 8;
const PICTURE_BYTES_KEPT: usize = 64 * 1024 * 1024;

type Rendered = Result<Arc<Vec<u8>>, ProviderError>;
/// A file's picture, or its render under way (waited for by every stage asking).
type Slot = Arc<OnceCell<Rendered>>;

/// The pictures of one process (shared by its document stages).
pub struct Pictures {
    /// The most recent last; a cell being rendered is there from the first ask.
    kept: Mutex<VecDeque<([u8; 32], Slot)>>,
    renders: Semaphore,
    counts: Counts,
}

/// PDFs opened for rendering, pages rendered by `pdftoppm`, and the most renders running at
/// once.
#[derive(Default)]
struct Counts {
    opened: AtomicUsize,
    rendered: AtomicUsize,
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl Pictures {
    /// At most `max_concurrent` renders at a time (at least one).
    pub fn new(max_concurrent: usize) -> Self {
        Pictures {
            kept: Mutex::new(VecDeque::new()),
            renders: Semaphore::new(max_concurrent.max(1)),
            counts: Counts::default(),
        }
    }

    /// PDFs this process has opened to render (a file asked for by several stages at once,
    /// or again while its picture is kept, counts once).
    pub fn opened(&self) -> usize {
        self.counts.opened.load(Ordering::Relaxed)
    }

    /// Pages this process has had `pdftoppm` render.
    pub fn rendered(&self) -> usize {
        self.counts.rendered.load(Ordering::Relaxed)
    }

    /// The most renders that ran at once in this process.
    pub fn peak_concurrent_renders(&self) -> usize {
        self.counts.peak.load(Ordering::Relaxed)
    }

    /// The picture to read from `file`: the file itself when it is an image, else its first
    /// page rendered (once per file, shared with the other stages asking).
    pub async fn picture(&self, file: &InputFile) -> Result<Arc<Vec<u8>>, ProviderError> {
        if file.kind != FileKind::Pdf {
            return Ok(Arc::new(file.bytes.clone()));
        }
        let key = key(&file.bytes, file.password.as_deref());
        let cell = self.cell(key);
        let rendered = cell
            .get_or_init(|| self.render(file.bytes.clone(), file.password.clone()))
            .await
            .clone();
        if let Err(error) = &rendered
            && !matches!(error, ProviderError::Unusable(_))
        {
            // A render that may succeed another time (a timeout) is not kept for the retry.
            self.forget(&key, &cell);
        }
        self.trim();
        rendered
    }

    /// The cell of `key`, made the most recent (a new, empty one when there is none).
    fn cell(&self, key: [u8; 32]) -> Slot {
        let Ok(mut kept) = self.kept.lock() else {
            return Arc::new(OnceCell::new());
        };
        let cell = match kept.iter().position(|(k, _)| *k == key) {
            Some(at) => kept.remove(at).map(|(_, cell)| cell),
            None => None,
        }
        .unwrap_or_default();
        kept.push_back((key, cell.clone()));
        cell
    }

    fn forget(&self, key: &[u8; 32], cell: &Slot) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.retain(|(k, c)| !(k == key && Arc::ptr_eq(c, cell)));
        }
    }

    /// Drops the oldest pictures beyond the bounds (a cell still rendering counts no bytes;
    /// its waiters keep it).
    fn trim(&self) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        let size = |cell: &OnceCell<Rendered>| match cell.get() {
            Some(Ok(picture)) => picture.len(),
            _ => 0,
        };
        let mut bytes: usize = kept.iter().map(|(_, c)| size(c)).sum();
        while kept.len() > 1 && (kept.len() > PICTURES_KEPT || bytes > PICTURE_BYTES_KEPT) {
            if let Some((_, oldest)) = kept.pop_front() {
                bytes -= size(&oldest);
            }
        }
    }

    /// Opens the PDF (decrypting it), checks its first page's size and renders it, holding one
    /// of the process's render slots throughout.
    async fn render(&self, bytes: Vec<u8>, password: Option<String>) -> Rendered {
        let _slot = self
            .renders
            .acquire()
            .await
            .map_err(|e| ProviderError::Unavailable(format!("PDF renders: {e}")))?;
        let _running = Running::start(&self.counts);
        let opened = tokio::task::spawn_blocking(move || {
            open_pdf(&bytes, password.as_deref()).map(|opened| {
                let size = opened.first_page;
                (size, opened.decrypted.unwrap_or(bytes))
            })
        })
        .await
        .map_err(|e| ProviderError::Unavailable(format!("PDF reader: {e}")))?;
        let (size, plain) = opened.map_err(unreadable)?;
        let pixels = render_side_px(size)?;
        self.counts.rendered.fetch_add(1, Ordering::Relaxed);
        run_pdftoppm(pixels, plain).await.map(Arc::new)
    }
}

/// Counts a render while it runs.
struct Running<'a>(&'a Counts);

impl<'a> Running<'a> {
    fn start(counts: &'a Counts) -> Self {
        counts.opened.fetch_add(1, Ordering::Relaxed);
        let now = counts.running.fetch_add(1, Ordering::Relaxed) + 1;
        counts.peak.fetch_max(now, Ordering::Relaxed);
        Running(counts)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The cache key: the file's bytes and its password (another client holding the same
/// encrypted bytes without the password does not get the picture).
fn key(bytes: &[u8], password: Option<&str>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
    if let Some(password) = password {
        hasher.update([1]);
        hasher.update(password.as_bytes());
    }
    hasher.finalize().into()
}

fn unreadable(error: PdfError) -> ProviderError {
    ProviderError::Unusable(format!("unreadable_pdf: the PDF {error}"))
}

/// The rendered picture's longer side: the page's at [`RENDER_DPI`], at most
/// [`MAX_PICTURE_SIDE_PX`]; a page beyond [`MAX_PAGE_SIDE_PT`] is refused.
pub fn render_side_px(page: PageSize) -> Result<u32, ProviderError> {
    let longer = page.longer_side();
    if longer > MAX_PAGE_SIDE_PT {
        let cm = |pt: f64| pt / 72.0 * 2.54;
        return Err(ProviderError::Unusable(format!(
            "page_too_large: the PDF's first page is {:.0} × {:.0} pt ({:.1} × {:.1} cm); \
             pages up to {MAX_PAGE_SIDE_PT:.0} pt ({:.1} cm) a side are read",
            page.width,
            page.height,
            cm(page.width),
            cm(page.height),
            cm(MAX_PAGE_SIDE_PT),
        )));
    }
    let at_dpi = (longer / 72.0 * RENDER_DPI).round();
    // In range: `longer` is positive and at most MAX_PAGE_SIDE_PT.
    Ok((at_dpi as u32).clamp(1, MAX_PICTURE_SIDE_PX))
}

/// `pdftoppm` rendering the first page of the PDF on its standard input into a PNG on its
/// standard output, the longer side `pixels` long. It takes no password: a PDF reaches it in
/// the clear.
pub fn pdftoppm_command(pixels: u32) -> tokio::process::Command {
    let mut command = tokio::process::Command::new("pdftoppm");
    command
        .args(["-f", "1", "-l", "1", "-scale-to"])
        .arg(pixels.to_string())
        .args(["-png", "-singlefile", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    command
}

async fn run_pdftoppm(pixels: u32, pdf: Vec<u8>) -> Result<Vec<u8>, ProviderError> {
    use tokio::io::AsyncWriteExt;
    let mut child = pdftoppm_command(pixels).spawn().map_err(|e| {
        ProviderError::Unavailable(format!(
            "pdftoppm could not be started ({e}): run scripts/setup.sh"
        ))
    })?;
    if let Some(mut stdin) = child.stdin.take() {
        // Written beside the wait: a large page fills the output pipe before input ends.
        tokio::spawn(async move {
            let _ = stdin.write_all(&pdf).await;
        });
    }
    let out = tokio::time::timeout(RENDER_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| ProviderError::Timeout)?
        .map_err(|e| ProviderError::Unavailable(format!("pdftoppm: {e}")))?;
    if !out.status.success() || out.stdout.is_empty() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(ProviderError::Unusable(format!(
            "unreadable_pdf: the PDF's first page could not be rendered ({})",
            why.trim().chars().take(200).collect::<String>()
        )));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::kind::{blank_pdf, encrypted_pdf, pdf_of_pages};

    fn pdf(bytes: Vec<u8>, password: Option<&str>) -> InputFile {
        InputFile {
            slot: "ktp_file".into(),
            kind: FileKind::Pdf,
            bytes,
            password: password.map(str::to_string),
        }
    }

    fn dimensions(png: &[u8]) -> (u32, u32) {
        image::ImageReader::new(std::io::Cursor::new(png))
            .with_guessed_format()
            .unwrap()
            .into_dimensions()
            .unwrap()
    }

    #[tokio::test]
    async fn an_absurd_page_is_refused_before_anything_is_rendered() {
        let pictures = Pictures::new(2);
        // 331 bytes, a 5000 × 5000 pt page: 1.7 GB and 13 s for `pdftoppm -r 300`.
        let huge = pdf(pdf_of_pages("", &["/MediaBox [0 0 5000 5000]"]), None);
        let Err(ProviderError::Unusable(why)) = pictures.picture(&huge).await else {
            panic!("refused");
        };
        assert!(why.starts_with("page_too_large: "), "{why}");
        assert!(why.contains("5000 × 5000 pt"), "{why}");
        // Small in points, large in units: /UserUnit counts.
        let united = pdf(
            pdf_of_pages("", &["/MediaBox [0 0 500 500] /UserUnit 10"]),
            None,
        );
        assert!(matches!(
            pictures.picture(&united).await,
            Err(ProviderError::Unusable(why)) if why.starts_with("page_too_large")
        ));
        assert_eq!((pictures.opened(), pictures.rendered()), (2, 0));
        // The refusal is kept: asking again opens nothing.
        assert!(pictures.picture(&huge).await.is_err());
        assert_eq!(pictures.opened(), 2);
    }

    #[test]
    fn the_rendered_side_is_the_pages_at_300_dpi_capped_in_pixels() {
        let side = |width, height| render_side_px(PageSize { width, height });
        // An ID-1 card (85.6 mm) scanned at its size: 1,011 px, as at 300 dpi.
        assert_eq!(side(242.6, 153.0), Ok(1011));
        assert_eq!(side(595.0, 842.0), Ok(MAX_PICTURE_SIDE_PX));
        assert_eq!(side(1684.0, 1191.0), Ok(MAX_PICTURE_SIDE_PX));
        assert_eq!(side(2000.0, 10.0), Ok(MAX_PICTURE_SIDE_PX));
        assert_eq!(side(0.01, 0.01), Ok(1));
        assert!(side(2000.5, 10.0).is_err());
    }

    #[tokio::test]
    async fn a_normal_page_renders_with_its_longer_side_within_the_cap() {
        let pictures = Pictures::new(2);
        let a3 = pdf(pdf_of_pages("", &["/MediaBox [0 0 842 1191]"]), None);
        let png = pictures.picture(&a3).await.unwrap();
        let (w, h) = dimensions(&png);
        assert_eq!(h, MAX_PICTURE_SIDE_PX);
        assert!(w < h, "{w} × {h}");
        // A small page keeps its 300 dpi; a turned page is rendered turned.
        let card = pdf(
            pdf_of_pages("", &["/MediaBox [0 0 243 153] /Rotate 90"]),
            None,
        );
        let (w, h) = dimensions(&pictures.picture(&card).await.unwrap());
        assert_eq!((w, h), (638, 1013));
    }

    #[tokio::test]
    async fn the_stages_asking_at_once_for_one_file_wait_for_one_render() {
        let pictures = Arc::new(Pictures::new(4));
        let file = pdf(blank_pdf(1), None);
        let asks = (0..6).map(|_| {
            let (pictures, file) = (pictures.clone(), file.clone());
            tokio::spawn(async move { pictures.picture(&file).await })
        });
        let pictures_got: Vec<_> = futures::future::join_all(asks)
            .await
            .into_iter()
            .map(|r| r.unwrap().unwrap())
            .collect();
        assert_eq!((pictures.opened(), pictures.rendered()), (1, 1));
        assert!(
            pictures_got
                .iter()
                .all(|p| Arc::ptr_eq(p, &pictures_got[0]))
        );
        // Other bytes are another render; the same bytes later are none.
        pictures.picture(&pdf(blank_pdf(2), None)).await.unwrap();
        pictures.picture(&file).await.unwrap();
        assert_eq!((pictures.opened(), pictures.rendered()), (2, 2));
        // A failed render's error is shared too.
        let broken = pdf(b"%PDF-1.4\ngarbage".to_vec(), None);
        let (a, b) = tokio::join!(pictures.picture(&broken), pictures.picture(&broken));
        assert_eq!(a, b);
        assert!(
            matches!(a, Err(ProviderError::Unusable(why)) if why.starts_with("unreadable_pdf"))
        );
        assert_eq!((pictures.opened(), pictures.rendered()), (3, 2));
    }

    #[tokio::test]
    async fn renders_are_bounded_across_the_process() {
        let pictures = Arc::new(Pictures::new(1));
        let asks = (1..=4).map(|pages| {
            let pictures = pictures.clone();
            tokio::spawn(async move { pictures.picture(&pdf(blank_pdf(pages), None)).await })
        });
        for rendered in futures::future::join_all(asks).await {
            rendered.unwrap().unwrap();
        }
        assert_eq!(pictures.rendered(), 4);
        assert_eq!(pictures.peak_concurrent_renders(), 1);
    }

    #[test]
    fn the_picture_cache_is_bounded() {
        let pictures = Pictures::new(1);
        for i in 0..(PICTURES_KEPT as u8 + 5) {
            let cell = pictures.cell([i; 32]);
            let _ = cell.set(Ok(Arc::new(vec![0; 10])));
            pictures.trim();
        }
        assert_eq!(pictures.kept.lock().unwrap().len(), PICTURES_KEPT);
        let big = pictures.cell([200; 32]);
        let _ = big.set(Ok(Arc::new(vec![0; PICTURE_BYTES_KEPT])));
        pictures.trim();
        // The newest is kept even alone over the byte bound; the others made room.
        let kept = pictures.kept.lock().unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0, [200; 32]);
    }

    #[tokio::test]
    async fn an_encrypted_pdf_renders_with_no_password_on_the_command_line() {
        let password = "s3cret-pw";
        let encrypted = encrypted_pdf(&blank_pdf(1), password);
        let pictures = Pictures::new(1);
        let png = pictures
            .picture(&pdf(encrypted.clone(), Some(password)))
            .await
            .unwrap();
        assert_eq!(dimensions(&png), (833, 833));
        // What `pdftoppm` is started with: no password option, no password.
        let command = pdftoppm_command(833);
        let args: Vec<String> = command
            .as_std()
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "-f",
                "1",
                "-l",
                "1",
                "-scale-to",
                "833",
                "-png",
                "-singlefile",
                "-"
            ]
        );
        assert!(
            !args
                .iter()
                .any(|a| a.contains(password) || a.ends_with("pw"))
        );
        // Without its password (another holder of the same bytes) nothing is rendered for it.
        let Err(ProviderError::Unusable(why)) = pictures.picture(&pdf(encrypted, None)).await
        else {
            panic!("refused");
        };
        assert!(why.contains("password"), "{why}");
    }
}
