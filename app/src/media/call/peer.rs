//! The peer connection side of a call: the patient's offer on a fresh
//! RTCPeerConnection or its ICE restart on the kept one, the clinician's
//! answer, and ICE.

use std::marker::PhantomData;

use js_sys::{Array, Reflect};
use regard_shared::signal::{ClientMessage, Favour, PeerRole, PeerSignal};
use serde_json::value::RawValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    MediaStream, RtcConfiguration, RtcIceCandidateInit, RtcIceServer, RtcIceTransportPolicy, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType,
    RtcSessionDescriptionInit, RtcTrackEvent,
};

use super::{Call, CallEvent, Unread};
use crate::media::after;

impl Call {
    pub(super) fn on_signal(&self, signal: PeerSignal<Box<RawValue>>) {
        match signal {
            PeerSignal::Offer { sdp } => {
                if let Some(answer) = self.0.answerer {
                    answer(self, sdp, None);
                }
            }
            PeerSignal::Restart { sdp } => {
                if let Some(answer) = self.0.answerer {
                    match self.kept_peer_connection() {
                        Some(pc) => answer(self, sdp, Some(pc)),
                        None => self.signal(PeerSignal::NoConnection),
                    }
                }
            }
            PeerSignal::NoConnection if self.0.role == PeerRole::Patient => self.offer(),
            PeerSignal::Answer { sdp } if self.0.role == PeerRole::Patient => {
                let Some(pc) = self.peer_connection() else { return };
                let this = self.clone();
                spawn_local(async move {
                    let applied =
                        JsFuture::from(pc.set_remote_description(&description(RtcSdpType::Answer, &sdp))).await.is_ok();
                    if this.0.restarting.replace(false) {
                        if applied {
                            this.resumed(&pc);
                        } else {
                            this.offer();
                        }
                    }
                });
            }
            PeerSignal::Ice { candidate, sdp_mid, sdp_m_line_index } => {
                let Some(pc) = self.peer_connection() else { return };
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                // A candidate for a connection that was just replaced fails: harmless.
                let _ = pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
            }
            PeerSignal::Request(request) => self.emit(CallEvent::Request(request)),
            PeerSignal::Reply(reply) => self.emit(CallEvent::Reply(Unread(reply, PhantomData))),
            _ => {}
        }
    }

    pub(super) fn close_peer_connection(&self) {
        if let Some(pc) = self.0.pc.borrow_mut().take() {
            pc.set_onicecandidate(None);
            pc.set_ontrack(None);
            pc.set_onconnectionstatechange(None);
            pc.close();
        }
        // This may run inside one of these callbacks (a failed connection is
        // replaced from its own state handler): drop them on the next tick.
        let handlers = std::mem::take(&mut *self.0.pc_handlers.borrow_mut());
        after(0, move || drop(handlers));
    }

    /// A fresh peer connection wired to the signalling socket and the page.
    fn new_peer_connection(&self) -> Option<RtcPeerConnection> {
        self.close_peer_connection();
        self.0.remote.borrow_mut().take();
        let config = RtcConfiguration::new();
        let servers = Array::new();
        for server in self.0.ice_servers.borrow().iter() {
            let urls = Array::new();
            for url in &server.urls {
                urls.push(&JsValue::from_str(url));
            }
            let ice = RtcIceServer::new();
            ice.set_urls(&urls);
            if let (Some(username), Some(credential)) = (&server.username, &server.credential) {
                ice.set_username(username);
                ice.set_credential(credential);
            }
            servers.push(&ice);
        }
        config.set_ice_servers(&servers);
        if self.0.relay_only.get() {
            config.set_ice_transport_policy(RtcIceTransportPolicy::Relay);
        }
        let pc = RtcPeerConnection::new_with_configuration(&config).ok()?;
        let mut handlers = Vec::new();

        let this = self.clone();
        let on_candidate = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(candidate) = event.dyn_ref::<RtcPeerConnectionIceEvent>().and_then(|e| e.candidate()) else {
                return;
            };
            this.signal(PeerSignal::Ice {
                candidate: candidate.candidate(),
                sdp_mid: candidate.sdp_mid(),
                sdp_m_line_index: candidate.sdp_m_line_index(),
            });
        });
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        handlers.push(on_candidate);

        let this = self.clone();
        let on_track = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let stream =
                event.dyn_ref::<RtcTrackEvent>().and_then(|e| e.streams().get(0).dyn_into::<MediaStream>().ok());
            if let Some(stream) = stream {
                // The same stream (`MediaStream::clone` would copy its tracks).
                *this.0.remote.borrow_mut() = Some(Clone::clone(&stream));
                this.emit(CallEvent::RemoteStream(stream));
            }
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        handlers.push(on_track);

        let this = self.clone();
        let watched = pc.clone();
        let on_state = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let state = read(&watched, "connectionState");
            this.report_state(&state);
            if this.0.role == PeerRole::Patient && state == "failed" {
                // The network changed under the call: negotiate a new path.
                this.offer();
            }
        });
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        handlers.push(on_state);

        *self.0.pc_handlers.borrow_mut() = handlers;
        *self.0.pc.borrow_mut() = Some(pc.clone());
        Some(pc)
    }

    /// Tells the page (and, from the clinician's side, the timeline) the connection's state.
    fn report_state(&self, state: &str) {
        if self.0.role == PeerRole::Clinician && matches!(state, "connected" | "failed" | "closed") {
            self.send(&ClientMessage::MediaState { connected: state == "connected" });
        }
        self.emit(CallEvent::Connection(state.to_owned()));
    }

    /// The connection of the moment if it was negotiated and carries media
    /// (or did until moments ago): worth restarting rather than replacing.
    fn kept_peer_connection(&self) -> Option<RtcPeerConnection> {
        let pc = self.peer_connection()?;
        let carrying = matches!(read(&pc, "connectionState").as_str(), "connected" | "disconnected");
        (carrying && read(&pc, "signalingState") == "stable").then_some(pc)
    }

    /// After a restart: the kept connection's state and media again, for the
    /// pages that heard the signalling drop (no event of the connection says so).
    fn resumed(&self, pc: &RtcPeerConnection) {
        let remote = self.0.remote.borrow().clone();
        if let Some(stream) = remote {
            self.emit(CallEvent::RemoteStream(stream));
        }
        self.report_state(&read(pc, "connectionState"));
    }

    /// The patient's side, when the other side (re)appears: an ICE restart on
    /// the kept connection, whose video goes on while a new path is checked,
    /// or else a new connection.
    pub(super) fn restart_or_offer(&self) {
        let Some(pc) = self.kept_peer_connection() else { return self.offer() };
        self.0.restarting.set(true);
        // The next offer carries new ICE credentials.
        if let Some(restart) = method(&pc, "restartIce") {
            let _ = restart.call0(&pc);
        }
        self.send_offer(pc, true);
    }

    /// Sends `pc`'s offer: a new connection's, or a `restart` on the kept one
    /// (which, if it cannot be made, gives way to a new connection).
    fn send_offer(&self, pc: RtcPeerConnection, restart: bool) {
        let this = self.clone();
        spawn_local(async move {
            if let Ok(offer) = JsFuture::from(pc.create_offer()).await {
                let sdp = read(&offer, "sdp");
                if JsFuture::from(pc.set_local_description(&description(RtcSdpType::Offer, &sdp))).await.is_ok() {
                    return this.signal(if restart { PeerSignal::Restart { sdp } } else { PeerSignal::Offer { sdp } });
                }
            }
            if restart {
                this.offer();
            }
        });
    }

    /// Sends this side's camera and microphone, if it has them.
    fn add_local_tracks(&self, pc: &RtcPeerConnection) {
        if let Some(stream) = self.0.local.borrow().as_ref() {
            for track in stream.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                    keep(&pc.add_track_0(&track, stream), self.0.favour.get());
                }
            }
        }
    }

    /// The patient's side: a new connection carrying the camera, and its offer.
    /// It also offers to receive audio and video it does not send, so the
    /// clinician's camera and microphone can join without another offer.
    pub(super) fn offer(&self) {
        self.0.restarting.set(false);
        let Some(pc) = self.new_peer_connection() else { return };
        self.add_local_tracks(&pc);
        let sent = |kind: &str| {
            self.0.local.borrow().as_ref().is_some_and(|s| {
                s.get_tracks().iter().any(|t| t.dyn_into::<web_sys::MediaStreamTrack>().is_ok_and(|t| t.kind() == kind))
            })
        };
        for kind in ["audio", "video"] {
            if !sent(kind) {
                let init = RtcRtpTransceiverInit::new();
                init.set_direction(RtcRtpTransceiverDirection::Recvonly);
                pc.add_transceiver_with_str_and_init(kind, &init);
            }
        }
        self.send_offer(pc, false);
    }

    /// The clinician's side: answers the patient's offer on a new connection,
    /// or its restart on the `kept` one.
    pub(super) fn answer(&self, offer_sdp: String, kept: Option<RtcPeerConnection>) {
        let restart = kept.is_some();
        let Some(pc) = kept.or_else(|| self.new_peer_connection()) else { return };
        let this = self.clone();
        spawn_local(async move {
            if JsFuture::from(pc.set_remote_description(&description(RtcSdpType::Offer, &offer_sdp))).await.is_err() {
                if restart {
                    this.signal(PeerSignal::NoConnection);
                }
                return;
            }
            if !restart {
                // After the offer, so the tracks take the transceivers it created
                // and the media flows both ways without another negotiation.
                this.add_local_tracks(&pc);
            }
            let Ok(answer) = JsFuture::from(pc.create_answer()).await else { return };
            let sdp = read(&answer, "sdp");
            if JsFuture::from(pc.set_local_description(&description(RtcSdpType::Answer, &sdp))).await.is_ok() {
                this.signal(PeerSignal::Answer { sdp });
                if restart {
                    this.resumed(&pc);
                }
            }
        });
    }
}

impl Call {
    /// The clinician's choice of what the video keeps on a weak link: applied
    /// to the connection of the moment, and to the next ones.
    pub fn favour(&self, favour: Favour) {
        self.0.favour.set(favour);
        if let Some(pc) = self.peer_connection() {
            for sender in pc.get_senders().iter() {
                keep(sender.unchecked_ref(), favour);
            }
        }
    }
}

/// Tells the sender what to give up first on a poor link. A detail (a
/// wound's edge, a pupil) by default: without a preference, video starts at a
/// quarter of the camera's resolution and climbs for many seconds.
fn keep(sender: &web_sys::RtcRtpSender, favour: Favour) {
    let Some(Ok(parameters)) = method(sender, "getParameters").map(|get| get.call0(sender)) else { return };
    let _ = Reflect::set(&parameters, &"degradationPreference".into(), &favour.degradation_preference().into());
    if let Some(set) = method(sender, "setParameters") {
        // Returns a promise; a browser that refuses the preference keeps its default.
        let _ = set.call1(sender, &parameters);
    }
}

/// A method of a browser object that not every browser (or web-sys) has.
fn method(object: &JsValue, name: &str) -> Option<js_sys::Function> {
    Reflect::get(object, &name.into()).ok()?.dyn_into().ok()
}

/// A string property of a browser object (a state, a description's SDP), empty if absent.
fn read(object: &JsValue, name: &str) -> String {
    Reflect::get(object, &name.into()).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

fn description(kind: RtcSdpType, sdp: &str) -> RtcSessionDescriptionInit {
    let init = RtcSessionDescriptionInit::new(kind);
    init.set_sdp(sdp);
    init
}
