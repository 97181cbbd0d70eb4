//! The signalling protocol between the browsers and the server's WebSocket
//! rooms. The server relays `PeerSignal` between the two peers of one room (an
//! assist or a consultation) without reading it; everything else is between a
//! peer and the server.
//!
//! Enums are externally tagged (serde's default, `{"variant":{...}}`), as in
//! matchbox: an internally tagged enum (`{"type":"variant",...}`) is read through
//! a buffer of untyped content, which cost the caller's page tens of kilobytes of
//! wasm for these four enums.

use serde::{Deserialize, Serialize};

/// Largest frame the server accepts, in bytes (an SDP offer is a few KiB).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Frames a socket may send per second on average before it is closed.
pub const MAX_FRAMES_PER_SECOND: u32 = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerRole {
    /// The clinician's console.
    Clinician,
    /// The patient's or caller's device.
    Patient,
}

/// What the clinician asks of the caller's device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    Snapshot,
    SwitchCamera,
    Torch {
        on: bool,
    },
    Zoom {
        level: f64,
    },
    Location,
    Audio {
        on: bool,
    },
    /// Stop the camera, for the reason given (the caller is told it).
    VideoOff(VideoOff),
    /// Start the camera again after it was stopped.
    Video,
    /// What the video gives up first when the link cannot carry it all.
    Favour(Favour),
    /// The clinician started (or stopped) sending their camera and microphone,
    /// e.g. to a nursing home's tablet: offer again so they flow, or drop them.
    ClinicianMedia {
        on: bool,
    },
}

/// Why the caller's camera is stopped during a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoOff {
    /// The clinician prefers photos, taken with the phone's own camera app.
    Photos,
    /// The console found the link too weak for video: photos meanwhile.
    WeakLink,
    /// The clinician needs no picture: only the voice goes on.
    AudioOnly,
    /// The caller's browser cannot send live video or sound (no WebRTC): the
    /// clinician takes photos through its camera, the caller sends some.
    Unsupported,
}

/// The clinician's choice of what the caller's video keeps on a weak link
/// (WebRTC's `degradationPreference`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Favour {
    /// Keep the resolution, lower the frame rate: a wound, a rash, a pupil.
    #[default]
    Detail,
    /// Keep the frame rate, lower the resolution: breathing, movement.
    Motion,
}

impl Favour {
    /// The `RTCRtpSendParameters.degradationPreference` that keeps it.
    pub fn degradation_preference(self) -> &'static str {
        match self {
            Favour::Detail => "maintain-resolution",
            Favour::Motion => "maintain-framerate",
        }
    }
}

/// The caller device's answer to a `Request`, or news it volunteers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// A snapshot or photo was stored in the case.
    SnapshotStored {
        id: String,
    },
    /// The caller shared their position; it is in the case's timeline.
    LocationShared,
    /// The caller's microphone is now on or off.
    AudioState {
        on: bool,
    },
    /// The caller's camera is off, for the reason it was asked.
    VideoOff(VideoOff),
    /// The caller's camera is on again.
    Video,
    /// The device's camera abilities, so the console shows only usable controls,
    /// and how fast the phone downloaded the page (kbit/s), when it did: the
    /// first sign of a link too weak for video, known before any frame.
    Capabilities {
        torch: bool,
        zoom: Option<(f64, f64)>,
        cameras: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        downlink_kbps: Option<u32>,
    },
    Refused {
        request: String,
    },
    Failed {
        request: String,
        reason: String,
    },
}

impl Request {
    /// Whether doing it needs live video or sound from the caller's phone.
    pub fn needs_live_media(&self) -> bool {
        matches!(self, Request::Video | Request::VideoOff(_) | Request::Audio { .. } | Request::ClinicianMedia { .. })
    }
}

/// Relayed verbatim from one peer to the other. A page may read the reply as
/// another type (raw JSON until a page that acts on it reads it): the caller's
/// page, which only sends replies, then carries no code to parse one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerSignal<R = Reply> {
    Offer {
        sdp: String,
    },
    /// An offer on the connection both sides kept, with new ICE credentials
    /// (an ICE restart): the signalling came back (a server node died, the
    /// phone changed network) while the media path may still be up, so the
    /// video goes on instead of starting over.
    Restart {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    /// The answer to a `Restart` from a side that has no connection left to
    /// restart (its page was reloaded): offer a new one.
    NoConnection,
    Ice {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
    Request(Request),
    Reply(R),
}

/// From a browser to the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientMessage {
    Signal {
        signal: PeerSignal,
    },
    /// The clinician's side reports that media flows or stopped flowing, for the timeline.
    MediaState {
        connected: bool,
    },
    Bye,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// What both peers of a consultation see appear.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationNews {
    /// A chat message was stored.
    Chat(crate::consultation::ChatMessage),
    /// A document was added to the consultation.
    Document(crate::consultation::DocumentView),
    /// A prescription was issued; the patient can download it.
    Prescription(crate::prescription::PrescriptionSummary),
}

/// From the server to a browser. A page may read the consultation's news and
/// the peer's replies as other types (raw JSON until a page that shows them
/// reads them): the caller's page, which shows none, then carries no code to
/// parse them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerMessage<News = ConsultationNews, R = Reply> {
    /// First frame after joining: who you are, whether the other peer is there,
    /// and the ICE servers to use.
    Welcome {
        role: PeerRole,
        peer_present: bool,
        ice_servers: Vec<IceServer>,
        /// Media only through the TURN relay: neither side learns the other's address.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        relay_only: bool,
    },
    PeerJoined,
    PeerLeft,
    Signal {
        signal: PeerSignal<R>,
    },
    /// News of the consultation, for both peers.
    Consultation(News),
    /// The assist's silent chat has a new message: each side reads it again,
    /// in its own language.
    Messages,
    /// The clinician ended the consultation: no reconnection will follow.
    Ended,
    /// The frame was refused; the socket stays open unless the error says otherwise.
    Error {
        code: String,
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_format_is_externally_tagged_json() {
        let message = ClientMessage::Signal { signal: PeerSignal::Offer { sdp: "v=0".into() } };
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(json, r#"{"signal":{"signal":{"offer":{"sdp":"v=0"}}}}"#);
        let request = ClientMessage::Signal { signal: PeerSignal::Request(Request::Torch { on: true }) };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, r#"{"signal":{"signal":{"request":{"torch":{"on":true}}}}}"#);
        assert_eq!(serde_json::from_str::<ClientMessage>(&json).unwrap(), request);
        assert_eq!(serde_json::to_string(&ServerMessage::<ConsultationNews>::PeerJoined).unwrap(), r#""peer_joined""#);
        assert_eq!(serde_json::from_str::<ClientMessage>(r#""bye""#).unwrap(), ClientMessage::Bye);
        assert!(serde_json::from_str::<ClientMessage>(r#"{"nonsense":{}}"#).is_err());
        let off: PeerSignal = PeerSignal::Request(Request::VideoOff(VideoOff::AudioOnly));
        assert_eq!(serde_json::to_string(&off).unwrap(), r#"{"request":{"video_off":"audio_only"}}"#);
        // A page that shows no consultation reads its news without parsing it.
        let news = ServerMessage::Consultation(ConsultationNews::Chat(crate::consultation::ChatMessage {
            id: "m1".into(),
            author: crate::consultation::Author::Patient,
            body: "Bonjour".into(),
            at: 1,
        }));
        let json = serde_json::to_string(&news).unwrap();
        assert!(json.starts_with(r#"{"consultation":{"chat":{"#));
        let skipped: ServerMessage<serde::de::IgnoredAny> = serde_json::from_str(&json).unwrap();
        assert!(matches!(skipped, ServerMessage::Consultation(_)));
        assert_eq!(serde_json::from_str::<ServerMessage>(&json).unwrap(), news);
        // The caller's page reads past a reply in the same way (only the console acts on one).
        let reply = ServerMessage::<ConsultationNews>::Signal { signal: PeerSignal::Reply(Reply::Video) };
        let json = serde_json::to_string(&reply).unwrap();
        let skipped: ServerMessage<serde::de::IgnoredAny, serde::de::IgnoredAny> = serde_json::from_str(&json).unwrap();
        assert!(matches!(skipped, ServerMessage::Signal { signal: PeerSignal::Reply(_) }));
        let restart = ClientMessage::Signal { signal: PeerSignal::Restart { sdp: "v=0".into() } };
        assert_eq!(serde_json::to_string(&restart).unwrap(), r#"{"signal":{"signal":{"restart":{"sdp":"v=0"}}}}"#);
        let none: PeerSignal = serde_json::from_str(r#""no_connection""#).unwrap();
        assert_eq!(none, PeerSignal::NoConnection);
        let favour: PeerSignal = PeerSignal::Request(Request::Favour(Favour::Motion));
        assert_eq!(serde_json::to_string(&favour).unwrap(), r#"{"request":{"favour":"motion"}}"#);
    }
}
