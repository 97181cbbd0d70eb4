//! Pro Santé Connect as an OpenID Connect provider: its endpoints (from its
//! discovery document, which PSC publishes at a non-standard path, or set by
//! hand), the authorization request (code flow, PKCE, state, nonce, scope
//! `openid scope_all`, `acr_values=eidas1`), and the checks of what comes
//! back (the ID token against the provider's keys, issuer, audience, expiry
//! and nonce; the userinfo's subject against the token's).

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalClaims, AuthUrl, AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EmptyAdditionalProviderMetadata, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, JsonWebKeySet,
    JsonWebKeySetUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, ResponseTypes,
    Scope, TokenResponse, TokenUrl, UserInfoClaims, UserInfoUrl,
};
use serde::{Deserialize, Serialize};

use crate::config::ServeArgs;

/// The eIDAS substantial level: a CPS card or the e-CPS app.
pub const EIDAS1: &str = "eidas1";

/// How Regard is registered with the provider, and where the provider is.
#[derive(Clone, Debug)]
pub struct PscConfig {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    redirect: RedirectUrl,
    discovery_url: String,
    /// Endpoints set by hand, each overriding the discovery document's.
    authorization: Option<AuthUrl>,
    token: Option<TokenUrl>,
    userinfo: Option<UserInfoUrl>,
    jwks: Option<JsonWebKeySetUrl>,
}

impl PscConfig {
    /// Registered as `client_id` with `issuer` (whose discovery document is at
    /// the standard path), answering at `public_url`'s `/api/v1/auth/psc/callback`.
    pub fn new(issuer: &str, client_id: &str, client_secret: &str, public_url: &str) -> anyhow::Result<PscConfig> {
        Ok(PscConfig {
            discovery_url: format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/')),
            issuer: IssuerUrl::new(issuer.to_owned())?,
            client_id: ClientId::new(client_id.to_owned()),
            client_secret: ClientSecret::new(client_secret.to_owned()),
            redirect: RedirectUrl::new(format!("{}/api/v1/auth/psc/callback", public_url.trim_end_matches('/')))?,
            authorization: None,
            token: None,
            userinfo: None,
            jwks: None,
        })
    }

    /// `None` when no issuer is configured: the sign-in page offers no PSC button.
    pub fn from_args(args: &ServeArgs) -> anyhow::Result<Option<PscConfig>> {
        let Some(issuer) = &args.psc_issuer else { return Ok(None) };
        let needed = |value: &Option<String>, flag: &str| {
            value.clone().ok_or_else(|| anyhow::anyhow!("--{flag} is needed with --psc-issuer"))
        };
        let client_id = needed(&args.psc_client_id, "psc-client-id")?;
        let secret = needed(&args.psc_client_secret, "psc-client-secret")?;
        let mut config = PscConfig::new(issuer, &client_id, &secret, &args.public_url)?;
        if let Some(url) = &args.psc_discovery_url {
            config.discovery_url = url.clone();
        }
        config.authorization = args.psc_authorization_url.clone().map(AuthUrl::new).transpose()?;
        config.token = args.psc_token_url.clone().map(TokenUrl::new).transpose()?;
        config.userinfo = args.psc_userinfo_url.clone().map(UserInfoUrl::new).transpose()?;
        config.jwks = args.psc_jwks_url.clone().map(JsonWebKeySetUrl::new).transpose()?;
        Ok(Some(config))
    }
}

/// The national identity PSC gives in userinfo.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct PscClaims {
    /// The IDNPS: 8 + RPPS, or 0 + ADELI.
    #[serde(rename = "SubjectNameID")]
    pub subject_name_id: Option<String>,
    #[serde(rename = "SubjectRefPro", default)]
    pub ref_pro: Option<RefPro>,
}

impl AdditionalClaims for PscClaims {}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RefPro {
    #[serde(default)]
    pub exercices: Vec<Exercice>,
}

/// One of the clinician's practices: `codeProfession` 10 a doctor, 21 a pharmacist…
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Exercice {
    #[serde(rename = "codeProfession")]
    pub code_profession: Option<String>,
}

/// Who came back from PSC, checked.
#[derive(Debug)]
pub struct Identity {
    pub idnps: Option<String>,
    pub acr: Option<String>,
    pub professions: Vec<String>,
}

/// The authorization request to send the browser to, and what checks the answer.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What went wrong with the provider, for the clinician's page and the log.
#[derive(Debug, thiserror::Error)]
pub enum PscError {
    /// Unreachable, or an answer that does not parse.
    #[error("Pro Santé Connect unavailable: {0}")]
    Unavailable(String),
    /// An answer that does not check out: a refused code, a token of the
    /// wrong issuer, audience, signature or nonce, expired.
    #[error("Pro Santé Connect answer refused: {0}")]
    Refused(String),
}

fn unavailable(e: impl std::fmt::Display) -> PscError {
    PscError::Unavailable(e.to_string())
}

type Http = openidconnect::reqwest::Client;

/// A client of the provider as it is now (its keys rotate: read each time).
pub struct Psc {
    config: PscConfig,
    http: Http,
}

impl Psc {
    pub fn new(config: PscConfig) -> anyhow::Result<Psc> {
        // No redirects: a token endpoint that redirects is not followed elsewhere.
        let http = Http::builder()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()?;
        Ok(Psc { config, http })
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, PscError> {
        let c = &self.config;
        let mut metadata = match (&c.authorization, &c.token, &c.userinfo, &c.jwks) {
            (Some(auth), Some(_), Some(_), Some(jwks)) => CoreProviderMetadata::new(
                c.issuer.clone(),
                auth.clone(),
                jwks.clone(),
                vec![ResponseTypes::new(vec![CoreResponseType::Code])],
                vec![CoreSubjectIdentifierType::Public],
                vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
                EmptyAdditionalProviderMetadata {},
            ),
            _ => {
                let answer = self.http.get(&c.discovery_url).send().await.map_err(unavailable)?;
                let body = answer.error_for_status().map_err(unavailable)?.bytes().await.map_err(unavailable)?;
                let discovered: CoreProviderMetadata = serde_json::from_slice(&body).map_err(unavailable)?;
                if discovered.issuer() != &c.issuer {
                    return Err(PscError::Unavailable(format!(
                        "discovery names issuer {}",
                        discovered.issuer().as_str()
                    )));
                }
                discovered
            }
        };
        if let Some(auth) = &c.authorization {
            metadata = metadata.set_authorization_endpoint(auth.clone());
        }
        if let Some(token) = &c.token {
            metadata = metadata.set_token_endpoint(Some(token.clone()));
        }
        if let Some(userinfo) = &c.userinfo {
            metadata = metadata.set_userinfo_endpoint(Some(userinfo.clone()));
        }
        if let Some(jwks) = &c.jwks {
            metadata = metadata.set_jwks_uri(jwks.clone());
        }
        let keys = JsonWebKeySet::fetch_async(metadata.jwks_uri(), &self.http).await.map_err(unavailable)?;
        Ok(metadata.set_jwks(keys))
    }

    async fn client(&self) -> Result<Client, PscError> {
        let metadata = self.metadata().await?;
        let c = &self.config;
        Ok(Client::from_provider_metadata(metadata, c.client_id.clone(), Some(c.client_secret.clone()))
            .set_redirect_uri(c.redirect.clone()))
    }

    /// Where to send the browser: the provider's authorization endpoint with a
    /// fresh state (128 bits), nonce and PKCE challenge.
    pub async fn authorize(&self) -> Result<Authorization, PscError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("scope_all".to_owned()))
            .add_auth_context_value(AuthenticationContextClass::new(EIDAS1.to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Trades the code for tokens, checks the ID token (signature, issuer,
    /// audience, expiry, this sign-in's nonce), and reads the identity from
    /// userinfo (whose subject must be the token's).
    pub async fn identity(&self, code: String, pkce_verifier: String, nonce: &str) -> Result<Identity, PscError> {
        let client = self.client().await?;
        let exchange = client.exchange_code(AuthorizationCode::new(code)).map_err(unavailable)?;
        let tokens =
            exchange.set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier)).request_async(&self.http).await.map_err(
                |e| match e {
                    openidconnect::RequestTokenError::ServerResponse(refusal) => PscError::Refused(refusal.to_string()),
                    other => unavailable(other),
                },
            )?;
        let id_token = tokens.id_token().ok_or_else(|| PscError::Refused("no ID token".to_owned()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned()))
            .map_err(|e| PscError::Refused(e.to_string()))?;
        let acr = claims.auth_context_ref().map(|acr| acr.as_str().to_owned());
        let userinfo: UserInfoClaims<PscClaims, CoreGenderClaim> = client
            .user_info(tokens.access_token().clone(), Some(claims.subject().clone()))
            .map_err(unavailable)?
            .request_async(&self.http)
            .await
            .map_err(unavailable)?;
        let psc = userinfo.additional_claims();
        let professions =
            psc.ref_pro.iter().flat_map(|r| &r.exercices).filter_map(|e| e.code_profession.clone()).collect();
        Ok(Identity { idnps: psc.subject_name_id.clone(), acr, professions })
    }
}

/// The client a discovery document (or endpoints set by hand) makes.
type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;
