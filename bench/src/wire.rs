//! The two signalling protocols, reduced to what the load needs: join, relay an
//! offer, an answer or an ICE candidate to the other peer, and read one back.

use clap::ValueEnum;
use regard_shared::signal::{ClientMessage, PeerSignal, ServerMessage};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Regard,
    Peerjs,
}

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Offer,
    Answer,
    Ice,
}

/// One negotiation as browsers send it: an offer, its answer, then candidates.
/// SDP of a call with audio and video is a few kilobytes; a candidate line, a
/// couple of hundred bytes.
pub const CYCLE: [(Kind, usize); 6] =
    [(Kind::Offer, 3000), (Kind::Answer, 3000), (Kind::Ice, 250), (Kind::Ice, 250), (Kind::Ice, 250), (Kind::Ice, 250)];

/// What a frame from the server means to the load.
pub enum Incoming {
    /// Joined: the server will relay from now on.
    Ready,
    /// A relayed message, with the payload this load put in it.
    Relayed(String),
    /// The server refused something.
    Refused(String),
    /// Anything else (peer joined, heartbeats...).
    Other,
}

/// `seq:sent_micros:` then padding to `size` bytes: the receiver reads the
/// sending time back to measure the relay's latency.
pub fn payload(seq: u64, sent_micros: u64, size: usize) -> String {
    let mut text = format!("{seq}:{sent_micros}:");
    text.extend(std::iter::repeat_n('x', size.saturating_sub(text.len())));
    text
}

/// The sending time written by `payload`.
pub fn sent_micros(payload: &str) -> Option<u64> {
    payload.split(':').nth(1)?.parse().ok()
}

pub fn encode(target: Target, kind: Kind, payload: String, dst: &str) -> String {
    match target {
        Target::Regard => {
            let signal = match kind {
                Kind::Offer => PeerSignal::Offer { sdp: payload },
                Kind::Answer => PeerSignal::Answer { sdp: payload },
                Kind::Ice => {
                    PeerSignal::Ice { candidate: payload, sdp_mid: Some("0".into()), sdp_m_line_index: Some(0) }
                }
            };
            serde_json::to_string(&ClientMessage::Signal { signal }).expect("a message serialises")
        }
        Target::Peerjs => {
            let (kind, payload) = match kind {
                Kind::Offer => ("OFFER", json!({ "sdp": payload, "type": "media" })),
                Kind::Answer => ("ANSWER", json!({ "sdp": payload, "type": "media" })),
                Kind::Ice => ("CANDIDATE", json!({ "candidate": payload, "type": "media" })),
            };
            json!({ "type": kind, "dst": dst, "payload": payload }).to_string()
        }
    }
}

#[derive(Deserialize)]
struct PeerjsMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Option<PeerjsPayload>,
}

#[derive(Deserialize)]
struct PeerjsPayload {
    sdp: Option<String>,
    candidate: Option<String>,
    msg: Option<String>,
}

pub fn decode(target: Target, text: &str) -> Incoming {
    match target {
        Target::Regard => match serde_json::from_str::<ServerMessage>(text) {
            Ok(ServerMessage::Welcome { .. }) => Incoming::Ready,
            Ok(ServerMessage::Signal { signal }) => match signal {
                PeerSignal::Offer { sdp } | PeerSignal::Answer { sdp } => Incoming::Relayed(sdp),
                PeerSignal::Ice { candidate, .. } => Incoming::Relayed(candidate),
                _ => Incoming::Other,
            },
            Ok(ServerMessage::Error { code, .. }) => Incoming::Refused(code),
            Ok(_) => Incoming::Other,
            Err(_) => Incoming::Refused(format!("unreadable frame: {text:.80}")),
        },
        Target::Peerjs => match serde_json::from_str::<PeerjsMessage>(text) {
            Ok(m) if m.kind == "OPEN" => Incoming::Ready,
            Ok(m) if matches!(m.kind.as_str(), "OFFER" | "ANSWER" | "CANDIDATE") => {
                match m.payload.and_then(|p| p.sdp.or(p.candidate)) {
                    Some(payload) => Incoming::Relayed(payload),
                    None => Incoming::Refused("relayed without payload".into()),
                }
            }
            Ok(m) if matches!(m.kind.as_str(), "ERROR" | "ID-TAKEN" | "EXPIRE") => {
                Incoming::Refused(m.payload.and_then(|p| p.msg).unwrap_or(m.kind))
            }
            Ok(_) => Incoming::Other,
            Err(_) => Incoming::Refused(format!("unreadable frame: {text:.80}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_carries_its_sending_time_and_size() {
        let p = payload(7, 123_456, 250);
        assert_eq!(p.len(), 250);
        assert_eq!(sent_micros(&p), Some(123_456));
    }

    #[test]
    fn regard_messages_read_back() {
        let sent = encode(Target::Regard, Kind::Ice, payload(1, 42, 100), "");
        let ClientMessage::Signal { signal } = serde_json::from_str(&sent).unwrap() else { panic!("{sent}") };
        let relayed =
            serde_json::to_string(&ServerMessage::<regard_shared::signal::ConsultationNews>::Signal { signal })
                .unwrap();
        let Incoming::Relayed(p) = decode(Target::Regard, &relayed) else { panic!("{relayed}") };
        assert_eq!(sent_micros(&p), Some(42));
    }

    #[test]
    fn peerjs_messages_read_back() {
        let sent = encode(Target::Peerjs, Kind::Offer, payload(1, 42, 100), "b1");
        // The PeerJS server relays the message as it came, with `src` added.
        let mut relayed: serde_json::Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(relayed["dst"], "b1");
        relayed["src"] = "a1".into();
        let Incoming::Relayed(p) = decode(Target::Peerjs, &relayed.to_string()) else { panic!() };
        assert_eq!(sent_micros(&p), Some(42));
        assert!(matches!(decode(Target::Peerjs, r#"{"type":"OPEN"}"#), Incoming::Ready));
    }
}
