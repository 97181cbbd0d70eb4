//! One WebRTC call between a clinician and a patient's device, with its
//! signalling WebSocket: a video assist (the caller's camera, one way) or a
//! consultation (both ways). The patient's side offers; the clinician's side
//! answers, adding its own camera and microphone when it has them. When the
//! signalling comes back (a server node died, the phone changed network) and
//! both sides kept their peer connection, the patient's side restarts ICE on
//! it, so the video goes on; a reloaded page starts a fresh connection. Either
//! way the call recovers through the signalling channel without a new link.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;

use regard_shared::signal::{
    ClientMessage, ConsultationNews, Favour, IceServer, PeerRole, PeerSignal, Reply, Request, ServerMessage,
};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use wasm_bindgen::prelude::*;
use web_sys::{MediaStream, MessageEvent, RtcPeerConnection, WebSocket};

use super::{after, jittered};

mod peer;

/// What the page hears from the call.
#[derive(Clone, Debug)]
pub enum CallEvent {
    /// The peer connection's state: new, connecting, connected, disconnected, failed, closed.
    Connection(String),
    /// Whether the other side is connected to the signalling room.
    PeerPresent(bool),
    RemoteStream(MediaStream),
    Request(Request),
    Reply(Unread<Reply>),
    /// The signalling socket is down and being reopened.
    Reconnecting,
    /// The same person opened this call elsewhere (another tab); this one stopped.
    Replaced,
    /// A chat message, a document or a prescription in the consultation.
    Consultation(Unread<ConsultationNews>),
    /// A video assist's silent chat has a new message.
    Messages,
    /// The clinician ended the consultation; the call is over for good.
    Ended,
}

/// A consultation's news or a peer's reply as the server sent it, read by the
/// pages that act on it: a page that never reads one (the caller's) has no
/// code to parse it.
#[derive(Clone, Debug)]
pub struct Unread<T>(Box<RawValue>, PhantomData<T>);

impl<T: DeserializeOwned> Unread<T> {
    pub fn read(&self) -> Option<T> {
        serde_json::from_str(self.0.get()).ok()
    }
}

/// A frame from the server, its news and replies still unread.
type Frame = ServerMessage<Box<RawValue>, Box<RawValue>>;

/// A JavaScript event callback owned by the call.
type Handler = Closure<dyn FnMut(JsValue)>;

/// How the clinician's side answers an offer, or a restart on the connection
/// it kept. The patient's side has none: the caller's page, which must stay
/// small, then carries no code it would never run.
type Answerer = fn(&Call, String, Option<RtcPeerConnection>);

struct Inner {
    role: PeerRole,
    answerer: Option<Answerer>,
    url: String,
    /// This side's camera and microphone; the clinician's may come and go.
    local: RefCell<Option<MediaStream>>,
    ws: RefCell<Option<WebSocket>>,
    pc: RefCell<Option<RtcPeerConnection>>,
    /// The other side's media on the connection of the moment, shown again
    /// when a restart keeps that connection.
    remote: RefCell<Option<MediaStream>>,
    ice_servers: RefCell<Vec<IceServer>>,
    relay_only: Cell<bool>,
    /// What the video sent keeps on a weak link, for this connection and the next.
    favour: Cell<Favour>,
    on_event: Box<dyn Fn(CallEvent)>,
    // The JS callbacks must live as long as the objects that call them.
    ws_handlers: RefCell<Vec<Handler>>,
    pc_handlers: RefCell<Vec<Handler>>,
    window_handlers: RefCell<Vec<(&'static str, Handler)>>,
    closed: Cell<bool>,
    /// The patient's side offered an ICE restart and awaits its answer.
    restarting: Cell<bool>,
    retry_ms: Cell<i32>,
}

/// A handle on the call; dropping it does not hang up, `hang_up` does.
#[derive(Clone)]
pub struct Call(Rc<Inner>);

impl Call {
    /// Whether this browser can make calls at all: some (WebKitGTK, some
    /// in-app browsers) show the camera but have no WebRTC.
    pub fn supported() -> bool {
        web_sys::window().is_some_and(|w| js_sys::Reflect::has(&w, &"RTCPeerConnection".into()).unwrap_or(false))
    }

    /// Joins the room at `/ws/{room}` (`assist/ID` or `consultation/ID`) on `role`'s side.
    pub fn start(
        room: &str,
        role: PeerRole,
        local: Option<MediaStream>,
        on_event: impl Fn(CallEvent) + 'static,
    ) -> Call {
        let answerer: Option<Answerer> = match role {
            PeerRole::Clinician => Some(Call::answer),
            PeerRole::Patient => None,
        };
        Call::open(room, role, answerer, local, on_event)
    }

    /// Joins the room on the patient's side, without the clinician's code.
    pub fn patient(room: &str, local: Option<MediaStream>, on_event: impl Fn(CallEvent) + 'static) -> Call {
        Call::open(room, PeerRole::Patient, None, local, on_event)
    }

    fn open(
        room: &str,
        role: PeerRole,
        answerer: Option<Answerer>,
        local: Option<MediaStream>,
        on_event: impl Fn(CallEvent) + 'static,
    ) -> Call {
        let location = web_sys::window().expect("a window").location();
        let scheme = if location.protocol().unwrap_or_default() == "https:" { "wss" } else { "ws" };
        let host = location.host().unwrap_or_default();
        let call = Call(Rc::new(Inner {
            role,
            answerer,
            url: format!("{scheme}://{host}/ws/{room}"),
            local: RefCell::new(local),
            ws: RefCell::new(None),
            pc: RefCell::new(None),
            remote: RefCell::new(None),
            ice_servers: RefCell::new(Vec::new()),
            relay_only: Cell::new(false),
            favour: Cell::new(Favour::default()),
            on_event: Box::new(on_event),
            ws_handlers: RefCell::new(Vec::new()),
            pc_handlers: RefCell::new(Vec::new()),
            window_handlers: RefCell::new(Vec::new()),
            closed: Cell::new(false),
            restarting: Cell::new(false),
            retry_ms: Cell::new(500),
        }));
        call.connect();
        call.watch_network();
        call
    }

    /// Phones switching between Wi-Fi and 4G go offline then online with a new
    /// address: the old socket and media path are dead even if nothing noticed
    /// yet, so start both afresh as soon as the network is back.
    fn watch_network(&self) {
        let Some(window) = web_sys::window() else { return };
        let this = self.clone();
        let offline = Closure::<dyn FnMut(JsValue)>::new(move |_| this.emit(CallEvent::Reconnecting));
        let this = self.clone();
        let online = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if this.0.closed.get() {
                return;
            }
            if let Some(ws) = this.0.ws.borrow_mut().take() {
                ws.set_onclose(None);
                let _ = ws.close();
            }
            this.0.retry_ms.set(500);
            // The fresh socket's welcome makes the phone restart ICE on the new network.
            this.connect();
        });
        let mut handlers = self.0.window_handlers.borrow_mut();
        for (event, handler) in [("offline", offline), ("online", online)] {
            let _ = window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
            handlers.push((event, handler));
        }
    }

    fn emit(&self, event: CallEvent) {
        (self.0.on_event)(event);
    }

    fn connect(&self) {
        let Ok(ws) = WebSocket::new(&self.0.url) else {
            self.schedule_reconnect();
            return;
        };
        let mut handlers = Vec::new();
        let this = self.clone();
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(text) = event.dyn_ref::<MessageEvent>().and_then(|e| e.data().as_string()) else { return };
            if let Ok(message) = serde_json::from_str::<Frame>(&text) {
                this.on_server_message(message);
            }
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        handlers.push(on_message);
        let this = self.clone();
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| this.0.retry_ms.set(500));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        handlers.push(on_open);
        let this = self.clone();
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if !this.0.closed.get() {
                this.emit(CallEvent::Reconnecting);
                this.schedule_reconnect();
            }
        });
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        handlers.push(on_close);
        *self.0.ws.borrow_mut() = Some(ws);
        *self.0.ws_handlers.borrow_mut() = handlers;
    }

    fn schedule_reconnect(&self) {
        let delay = self.0.retry_ms.get();
        self.0.retry_ms.set((delay * 2).min(5000));
        let delay = jittered(delay);
        let this = self.clone();
        after(delay, move || {
            if !this.0.closed.get() {
                this.connect();
            }
        });
    }

    fn send(&self, message: &ClientMessage) {
        if let Some(ws) = self.0.ws.borrow().as_ref() {
            if ws.ready_state() == WebSocket::OPEN {
                let _ = ws.send_with_str(&serde_json::to_string(message).expect("client messages serialise"));
            }
        }
    }

    fn signal(&self, signal: PeerSignal) {
        self.send(&ClientMessage::Signal { signal });
    }

    pub fn request(&self, request: Request) {
        self.signal(PeerSignal::Request(request));
    }

    pub fn reply(&self, reply: Reply) {
        self.signal(PeerSignal::Reply(reply));
    }

    /// The patient's side, after its tracks changed (camera switched,
    /// microphone added, video stopped): a new connection with the new tracks.
    pub fn renegotiate(&self) {
        if self.0.role == PeerRole::Patient {
            self.offer();
        }
    }

    /// The clinician's camera and microphone, sent from the next negotiation
    /// on (the patient's device is asked to offer again).
    pub fn set_local(&self, stream: Option<MediaStream>) {
        *self.0.local.borrow_mut() = stream;
    }

    /// Ends the call for good: tells the server, closes the socket and the connection.
    pub fn hang_up(&self) {
        self.0.closed.set(true);
        self.send(&ClientMessage::Bye);
        if let Some(ws) = self.0.ws.borrow_mut().take() {
            ws.set_onclose(None);
            ws.set_onmessage(None);
            let _ = ws.close();
        }
        self.close_peer_connection();
        // Breaks the reference cycle between the call and its callbacks.
        let window_handlers = std::mem::take(&mut *self.0.window_handlers.borrow_mut());
        if let Some(window) = web_sys::window() {
            for (event, handler) in &window_handlers {
                let _ = window.remove_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
            }
        }
        let handlers = std::mem::take(&mut *self.0.ws_handlers.borrow_mut());
        after(0, move || drop((handlers, window_handlers)));
    }

    /// The peer connection of the moment, for statistics.
    pub fn peer_connection(&self) -> Option<RtcPeerConnection> {
        self.0.pc.borrow().clone()
    }

    fn on_server_message(&self, message: Frame) {
        match message {
            ServerMessage::Welcome { ice_servers, peer_present, relay_only, .. } => {
                *self.0.ice_servers.borrow_mut() = ice_servers;
                self.0.relay_only.set(relay_only);
                self.emit(CallEvent::PeerPresent(peer_present));
                if peer_present && self.0.role == PeerRole::Patient {
                    self.restart_or_offer();
                }
            }
            ServerMessage::PeerJoined => {
                self.emit(CallEvent::PeerPresent(true));
                if self.0.role == PeerRole::Patient {
                    self.restart_or_offer();
                }
            }
            ServerMessage::PeerLeft => self.emit(CallEvent::PeerPresent(false)),
            ServerMessage::Signal { signal } => self.on_signal(signal),
            ServerMessage::Error { code, .. } if code == "replaced" => {
                // Reconnecting would take the seat back and start a tug of war.
                self.0.closed.set(true);
                self.close_peer_connection();
                self.emit(CallEvent::Replaced);
            }
            ServerMessage::Consultation(news) => self.emit(CallEvent::Consultation(Unread(news, PhantomData))),
            ServerMessage::Messages => self.emit(CallEvent::Messages),
            ServerMessage::Ended => {
                self.0.closed.set(true);
                self.close_peer_connection();
                self.emit(CallEvent::Ended);
            }
            ServerMessage::Error { code, message } => {
                leptos::logging::warn!("signalling error {code}: {message}");
            }
        }
    }
}
