//! Telling people: a notification row written in the caller's transaction
//! (so it exists exactly when the change does), and the email that goes
//! with it, handed to the mailer only after the transaction commits.

use sqlx::AnyConnection;

use super::mail::{Email, Mailer};
use super::repo;

/// The notifications of one change: written with it, emailed after it.
#[derive(Default)]
pub struct Notices {
    emails: Vec<Email>,
}

impl Notices {
    /// Writes the notification for `user_id` and keeps its email for later.
    pub async fn tell(
        &mut self,
        conn: &mut AnyConnection,
        user_id: i64,
        message: &str,
        link: &str,
        now: &str,
    ) -> sqlx::Result<()> {
        repo::insert(&mut *conn, user_id, message, link, now).await?;
        if let Some(to) = repo::email_of(&mut *conn, user_id).await? {
            self.emails.push(Email {
                to,
                subject: message.chars().take(150).collect(),
                message: message.to_string(),
                link: link.to_string(),
            });
        }
        Ok(())
    }

    /// Tells every owner of the agency.
    pub async fn tell_owners(
        &mut self,
        conn: &mut AnyConnection,
        tenant_id: i64,
        message: &str,
        link: &str,
        now: &str,
    ) -> sqlx::Result<()> {
        for owner in repo::owners_of(&mut *conn, tenant_id).await? {
            self.tell(&mut *conn, owner, message, link, now).await?;
        }
        Ok(())
    }

    /// After the commit: queues the emails (nothing, without SMTP).
    pub fn send(self, mailer: &Mailer) {
        for email in self.emails {
            mailer.send(email);
        }
    }
}
