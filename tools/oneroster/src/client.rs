//! The vendor API as this tool uses it: a token (given, or from identity for
//! the vendor's client credentials), the id mappings, the stored record
//! keys, and one PushRecords stream with a few messages in flight.

use std::collections::VecDeque;
use std::time::Duration;

use anyhow::{Context, bail};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as pb;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use tokio_stream::wrappers::ReceiverStream;
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};

/// How the tool signs in.
#[derive(Clone)]
pub enum Auth {
    /// A vendor access token.
    Token(String),
    /// The vendor's client credentials, exchanged at identity for a token.
    Client {
        identity_url: String,
        client_id: String,
        client_secret: String,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Token(_) => f.write_str("Auth::Token(…)"),
            Auth::Client { client_id, .. } => write!(f, "Auth::Client({client_id})"),
        }
    }
}

/// Mappings in one PutIdMappings call.
pub const MAPPINGS_PER_CALL: usize = 1000;
/// Messages sent ahead of their receipts.
pub const IN_FLIGHT: usize = 4;
const PAGE_SIZE: i32 = 500;

/// TLS towards the platform beyond the public roots: the city's CA, and
/// the vendor's certificate where the city requires mutual TLS (PEM).
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    pub ca: Option<Vec<u8>>,
    pub certificate_and_key: Option<(Vec<u8>, Vec<u8>)>,
}

async fn channel(url: &str, tls: &ClientTls) -> anyhow::Result<Channel> {
    let mut endpoint = Endpoint::from_shared(url.to_owned())
        .with_context(|| format!("{url:?} is not a URL"))?
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true);
    if url.starts_with("https://") {
        let mut config = ClientTlsConfig::new().with_webpki_roots();
        if let Some(ca) = &tls.ca {
            config = config.ca_certificate(tonic::transport::Certificate::from_pem(ca));
        }
        if let Some((certificate, key)) = &tls.certificate_and_key {
            config = config.identity(tonic::transport::Identity::from_pem(certificate, key));
        }
        endpoint = endpoint.tls_config(config)?;
    }
    endpoint
        .connect()
        .await
        .with_context(|| format!("cannot reach {url}"))
}

pub struct Client {
    import: ImportServiceClient<Channel>,
    authorization: MetadataValue<tonic::metadata::Ascii>,
}

impl Client {
    pub async fn connect(import_url: &str, auth: &Auth, tls: &ClientTls) -> anyhow::Result<Self> {
        let token = match auth {
            Auth::Token(token) => token.clone(),
            Auth::Client {
                identity_url,
                client_id,
                client_secret,
            } => {
                IdentityServiceClient::new(channel(identity_url, tls).await?)
                    .get_client_token(identity::GetClientTokenRequest {
                        client_id: client_id.clone(),
                        client_secret: client_secret.clone(),
                        scopes: Vec::new(),
                    })
                    .await
                    .context("signing in with the client credentials")?
                    .into_inner()
                    .access_token
            }
        };
        let import = ImportServiceClient::new(channel(import_url, tls).await?)
            .max_decoding_message_size(16 * 1024 * 1024)
            .max_encoding_message_size(16 * 1024 * 1024);
        Ok(Self {
            import,
            authorization: format!("Bearer {token}")
                .parse()
                .context("the token is not a header value")?,
        })
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", self.authorization.clone());
        request
    }

    /// Every id mapping this vendor holds in the school.
    pub async fn mappings(&mut self, school_id: &str) -> anyhow::Result<Vec<pb::IdMapping>> {
        let mut all = Vec::new();
        let mut page_token = String::new();
        loop {
            let page = self
                .import
                .list_id_mappings(self.request(pb::ListIdMappingsRequest {
                    school_id: school_id.to_owned(),
                    page_size: PAGE_SIZE,
                    page_token,
                    ..Default::default()
                }))
                .await
                .context("listing the id mappings")?
                .into_inner();
            all.extend(page.mappings);
            if page.next_page_token.is_empty() {
                return Ok(all);
            }
            page_token = page.next_page_token;
        }
    }

    /// Stores mappings (at most [`MAPPINGS_PER_CALL`]): one result each.
    pub async fn put_mappings(
        &mut self,
        school_id: &str,
        mappings: Vec<pb::IdMapping>,
    ) -> anyhow::Result<Vec<pb::IdMappingResult>> {
        let count = mappings.len();
        let results = self
            .import
            .put_id_mappings(self.request(pb::PutIdMappingsRequest {
                school_id: school_id.to_owned(),
                mappings,
            }))
            .await
            .context("storing id mappings")?
            .into_inner()
            .results;
        if results.len() != count {
            bail!("{count} mappings sent, {} results received", results.len());
        }
        Ok(results)
    }

    /// The schools that granted this vendor access.
    pub async fn granted_schools(&mut self) -> anyhow::Result<Vec<String>> {
        let mut all = Vec::new();
        let mut page_token = String::new();
        loop {
            let page = self
                .import
                .list_granted_schools(self.request(pb::ListGrantedSchoolsRequest {
                    page_size: PAGE_SIZE,
                    page_token,
                }))
                .await
                .context("listing the granted schools")?
                .into_inner();
            all.extend(page.schools.into_iter().map(|school| school.school_id));
            if page.next_page_token.is_empty() {
                return Ok(all);
            }
            page_token = page.next_page_token;
        }
    }

    /// Every mark record key this vendor has stored in the school.
    pub async fn records(&mut self, school_id: &str) -> anyhow::Result<Vec<pb::StoredRecord>> {
        let mut all = Vec::new();
        let mut page_token = String::new();
        loop {
            let page = self
                .import
                .list_records(self.request(pb::ListRecordsRequest {
                    school_id: school_id.to_owned(),
                    record_type: pb::RecordType::Mark.into(),
                    page_size: PAGE_SIZE,
                    page_token,
                }))
                .await
                .context("listing the stored records")?
                .into_inner();
            all.extend(page.records);
            if page.next_page_token.is_empty() {
                return Ok(all);
            }
            page_token = page.next_page_token;
        }
    }

    /// Sends `messages` on one PushRecords stream, at most [`IN_FLIGHT`]
    /// ahead of their receipts, and hands each message's tag and receipts to
    /// `acknowledged` in order.
    pub async fn push<T>(
        &mut self,
        messages: impl IntoIterator<Item = (pb::PushRecordsRequest, T)>,
        mut acknowledged: impl FnMut(T, Vec<pb::Receipt>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut messages = messages.into_iter().peekable();
        if messages.peek().is_none() {
            return Ok(());
        }
        let (sender, receiver) = tokio::sync::mpsc::channel(IN_FLIGHT);
        let mut replies = self
            .import
            .push_records(self.request(ReceiverStream::new(receiver)))
            .await
            .context("opening the push stream")?
            .into_inner();
        let mut pending: VecDeque<(usize, T)> = VecDeque::new();
        let mut closed = false;
        loop {
            let next = if pending.len() < IN_FLIGHT && !closed {
                messages.next()
            } else {
                None
            };
            if let Some((message, tag)) = next {
                let count = message.operations.len();
                if sender.send(message).await.is_ok() {
                    pending.push_back((count, tag));
                } else {
                    // The server ended the stream: the receipts still to
                    // come, then its status, say why.
                    closed = true;
                }
                continue;
            }
            let Some((count, tag)) = pending.pop_front() else {
                break;
            };
            let reply = replies
                .message()
                .await
                .context("reading receipts")?
                .context("the push stream ended before all receipts arrived")?;
            if reply.receipts.len() != count {
                bail!(
                    "{count} records sent, {} receipts received",
                    reply.receipts.len()
                );
            }
            acknowledged(tag, reply.receipts)?;
        }
        if closed {
            replies.message().await.context("the push stream failed")?;
            bail!("the push stream closed before all records were sent");
        }
        drop(sender);
        Ok(())
    }
}
