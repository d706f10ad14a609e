//! Email over SMTP, off the request path: handlers queue an [`Email`] on a
//! bounded channel and return; one background task sends them in turn. A
//! full queue or a failed send is logged (never with an address or the
//! text: they are personal data) and counted, never retried for ever.
//!
//! Plain SMTP only (`smtp://host:port`): Portico hands mail to a relay on
//! the same host or network, which does TLS and delivery onwards. That is
//! why lettre is built without a TLS stack: one less to patch, and no
//! credentials travel, as none are accepted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::mpsc;

/// Emails waiting to be sent; past this, new ones are dropped (and counted).
const QUEUE: usize = 256;

/// One email: to whom, and the notification it carries.
#[derive(Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub message: String,
    /// A path of the portal, made absolute in the email.
    pub link: String,
}

/// What the mailer has done since it started.
#[derive(Debug, Default)]
pub struct MailStats {
    pub sent: AtomicU64,
    pub failed: AtomicU64,
    pub dropped: AtomicU64,
}

/// The handle that queues emails; cheap to clone. Without SMTP configured
/// it queues nothing.
#[derive(Clone, Default)]
pub struct Mailer {
    queue: Option<mpsc::Sender<Email>>,
    pub stats: Arc<MailStats>,
}

impl Mailer {
    /// A mailer that sends nothing (no `--smtp-url`).
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Starts the sending task for `smtp://host[:port]`, from `from`, with
    /// links to the portal at `portal_url`.
    pub fn start(smtp_url: &str, from: &str, portal_url: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(smtp_url)
            .with_context(|| format!("--smtp-url {smtp_url:?} is not a URL"))?;
        anyhow::ensure!(
            url.scheme() == "smtp",
            "--smtp-url must be smtp://HOST:PORT (plain SMTP to a local relay); got {}",
            url.scheme()
        );
        anyhow::ensure!(
            url.username().is_empty() && url.password().is_none(),
            "--smtp-url must not hold credentials: Portico sends to a relay without authentication"
        );
        let host = url
            .host_str()
            .context("--smtp-url names no host")?
            .to_string();
        let port = url.port().unwrap_or(25);
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("--mail-from {from:?} is not an email address"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .build();
        let (queue, receiver) = mpsc::channel(QUEUE);
        let stats = Arc::new(MailStats::default());
        let sender = Sender {
            transport,
            from,
            portal_url: portal_url.trim_end_matches('/').to_string(),
            stats: stats.clone(),
        };
        tokio::spawn(sender.run(receiver));
        tracing::info!(smtp.port = port, "email notifications on");
        Ok(Self {
            queue: Some(queue),
            stats,
        })
    }

    /// Queues an email without waiting; drops it when the queue is full.
    pub fn send(&self, email: Email) {
        let Some(queue) = &self.queue else {
            return;
        };
        if queue.try_send(email).is_err() {
            let dropped = self.stats.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::warn!(
                mail.dropped = dropped,
                "email queue full: notification email dropped"
            );
        }
    }
}

/// The background task's half.
struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    portal_url: String,
    stats: Arc<MailStats>,
}

impl Sender {
    async fn run(self, mut receiver: mpsc::Receiver<Email>) {
        while let Some(email) = receiver.recv().await {
            match self.message(&email) {
                Ok(message) => match self.transport.send(message).await {
                    Ok(_) => {
                        self.stats.sent.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(err) => {
                        let failed = self.stats.failed.fetch_add(1, Ordering::Relaxed) + 1;
                        tracing::warn!(
                            mail.failed = failed,
                            smtp.code = err.status().map(|code| code.to_string()),
                            smtp.permanent = err.is_permanent(),
                            smtp.transient = err.is_transient(),
                            "notification email not sent"
                        );
                    }
                },
                Err(reason) => {
                    let failed = self.stats.failed.fetch_add(1, Ordering::Relaxed) + 1;
                    tracing::warn!(mail.failed = failed, reason, "notification email not built");
                }
            }
        }
    }

    /// The email as sent; the reason never holds the address.
    fn message(&self, email: &Email) -> Result<Message, &'static str> {
        let to: Mailbox = email.to.parse().map_err(|_| "the address does not parse")?;
        let link = if email.link.is_empty() {
            String::new()
        } else {
            format!(
                "\n\nSee it in the portal: {}{}\n",
                self.portal_url, email.link
            )
        };
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(format!("{}{link}", email.message))
            .map_err(|_| "the message could not be built")
    }
}
