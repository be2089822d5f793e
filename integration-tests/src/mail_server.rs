//! A real SMTP server for tests: aiosmtpd (from PyPI) run as a process,
//! keeping what it receives in a Maildir that tests read back, parsed.
//!
//! aiosmtpd is taken from the system's Python when it has it (Debian's
//! `python3-aiosmtpd`), else installed once, pinned, into a virtual
//! environment under the user's cache.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::sync::OnceCell;

const AIOSMTPD_VERSION: &str = "1.4.6";
/// How long a test waits for letters before it gives up; they arrive in
/// well under a second while the suite runs.
const PATIENCE: Duration = Duration::from_secs(30);

/// A letter as the server received it.
#[derive(Debug, Clone)]
pub struct Letter {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct MailServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl MailServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        Self::start_on(port).await
    }

    /// Starts a server on `port` (one a test reserved, or where an
    /// earlier server stood).
    pub async fn start_on(port: u16) -> anyhow::Result<Self> {
        let python = python_with_aiosmtpd().await?;
        let maildir = tempfile::tempdir()?;
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting aiosmtpd")?;
        let mut server = Self {
            child,
            port,
            maildir,
        };
        server.await_greeting().await?;
        Ok(server)
    }

    /// Where the suite sends: plain SMTP on loopback.
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    async fn await_greeting(&mut self) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await {
                let mut greeting = [0; 3];
                if stream.read_exact(&mut greeting).await.is_ok() && &greeting == b"220" {
                    return Ok(());
                }
            }
            if let Some(status) = self.child.try_wait()? {
                let mut error = String::new();
                if let Some(mut stderr) = self.child.stderr.take() {
                    stderr.read_to_string(&mut error).await?;
                }
                anyhow::bail!("aiosmtpd ended ({status}): {error}");
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "aiosmtpd never greeted"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Every letter received so far, oldest first.
    pub fn received(&self) -> anyhow::Result<Vec<Letter>> {
        let new = self.maildir.path().join("mail").join("new");
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&new) {
            Ok(entries) => entries
                .map(|entry| entry.map(|e| e.path()))
                .collect::<Result<_, _>>()?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(error) => return Err(error.into()),
        };
        // Maildir names begin with the delivery time in seconds, then a
        // sequence: the order they were received, near enough for tests.
        files.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
        files.iter().map(|path| parse(path)).collect()
    }

    /// The letters once there are at least `count`, or what there is when
    /// the patience runs out.
    pub async fn wait_for(&self, count: usize) -> anyhow::Result<Vec<Letter>> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let letters = self.received()?;
            if letters.len() >= count || tokio::time::Instant::now() > deadline {
                return Ok(letters);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server, keeping nothing.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }
}

fn parse(path: &Path) -> anyhow::Result<Letter> {
    let raw = std::fs::read(path)?;
    let message = mail_parser::MessageParser::default()
        .parse(&raw)
        .with_context(|| format!("a letter in {}", path.display()))?;
    let to = message
        .to()
        .and_then(|to| to.first())
        .and_then(|to| to.address())
        .unwrap_or_default()
        .to_owned();
    Ok(Letter {
        message_id: message
            .message_id()
            .map(|id| format!("<{id}>"))
            .unwrap_or_default(),
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|text| text.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|html| html.into_owned())
            .unwrap_or_default(),
    })
}

/// A Python that can run aiosmtpd: the system's, or a virtual environment
/// made once for the test runs.
async fn python_with_aiosmtpd() -> anyhow::Result<PathBuf> {
    static PYTHON: OnceCell<PathBuf> = OnceCell::const_new();
    PYTHON
        .get_or_try_init(|| async {
            if runs(Path::new("python3"), "import aiosmtpd").await {
                return Ok(PathBuf::from("python3"));
            }
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
                .context("no cache folder: set HOME or XDG_CACHE_HOME")?;
            let venv = cache
                .join("otmetka")
                .join(format!("aiosmtpd-{AIOSMTPD_VERSION}"));
            let python = venv.join("bin").join("python");
            if !runs(&python, "import aiosmtpd").await {
                install(&venv).await?;
            }
            Ok(python)
        })
        .await
        .cloned()
}

async fn runs(python: &Path, code: &str) -> bool {
    Command::new(python)
        .args(["-c", code])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|status| status.success())
}

/// Installs aiosmtpd into a fresh environment beside `venv` and moves it
/// into place whole, so a run cut short leaves no half-made one.
async fn install(venv: &Path) -> anyhow::Result<()> {
    let parent = venv.parent().context("the cache folder")?;
    std::fs::create_dir_all(parent)?;
    let building = tempfile::tempdir_in(parent)?;
    let made = building.path().join("venv");
    let step = |program: PathBuf, args: Vec<String>| async move {
        let status = Command::new(&program).args(&args).status().await?;
        anyhow::ensure!(
            status.success(),
            "{} {} failed: {status}; install aiosmtpd {AIOSMTPD_VERSION} (pip, or Debian's python3-aiosmtpd)",
            program.display(),
            args.join(" ")
        );
        Ok(())
    };
    step(
        "python3".into(),
        vec!["-m".into(), "venv".into(), made.display().to_string()],
    )
    .await?;
    step(
        made.join("bin").join("pip"),
        vec![
            "install".into(),
            "--quiet".into(),
            format!("aiosmtpd=={AIOSMTPD_VERSION}"),
        ],
    )
    .await?;
    // A venv names its own folder in its scripts; python -m works wherever it lies.
    match std::fs::rename(&made, venv) {
        Ok(()) => Ok(()),
        // Another test process finished first: its environment serves.
        Err(_) if venv.exists() => Ok(()),
        Err(error) => Err(error.into()),
    }
}
