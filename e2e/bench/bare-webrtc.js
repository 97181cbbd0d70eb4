// The floor for the link-to-first-frame benchmark: the least a browser can do to
// go from a texted link to video over Regard's server. Plain JavaScript, no
// framework, no wasm: the same API calls and the same signalling room as the
// real pages (read the link, accept it, join the room, offer / answer, ICE), and
// nothing else (no consent text, no translations, no controls, no styles).
// Served by the benchmark itself (Playwright route), never by Regard.
const params = new URLSearchParams(location.search);

function join(assistId, onMessage) {
  const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws/assist/${assistId}`);
  ws.onmessage = (event) => onMessage(JSON.parse(event.data), ws);
  return ws;
}

// Regard's messages are externally tagged: {"signal":{"signal":{"offer":{"sdp":...}}}}.
const send = (ws, signal) => ws.send(JSON.stringify({ signal: { signal } }));

function connect(pc, ws) {
  pc.onicecandidate = ({ candidate }) => {
    if (candidate) {
      send(ws, { ice: { candidate: candidate.candidate, sdp_mid: candidate.sdpMid, sdp_m_line_index: candidate.sdpMLineIndex } });
    }
  };
}

async function onSignal(pc, ws, signal) {
  if (signal.offer) {
    await pc.setRemoteDescription({ type: 'offer', sdp: signal.offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    send(ws, { answer: { sdp: pc.localDescription.sdp } });
  } else if (signal.answer) {
    await pc.setRemoteDescription({ type: 'answer', sdp: signal.answer.sdp });
  } else if (signal.ice) {
    await pc.addIceCandidate({ candidate: signal.ice.candidate, sdpMid: signal.ice.sdp_mid, sdpMLineIndex: signal.ice.sdp_m_line_index });
  }
}

/** The caller: Accept, rear camera, offer when the regulator is in the room. */
async function caller(token) {
  const info = await (await fetch(`/api/v1/patient/assist/${token}`)).json();
  const button = document.createElement('button');
  button.textContent = `Accepter la vidéo (${info.organisation})`;
  document.body.append(button);
  button.onclick = async () => {
    const accepted = await fetch(`/api/v1/patient/assist/${token}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consent_version: params.get('consent'), language: 'fr' }),
    });
    const { assist_id: assistId } = await accepted.json();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    let pc;
    let config;
    join(assistId, async (message, ws) => {
      if (message.welcome) config = configFrom(message.welcome);
      const present = message === 'peer_joined' || (message.welcome && message.welcome.peer_present);
      if (present) {
        pc = new RTCPeerConnection(config);
        connect(pc, ws);
        stream.getTracks().forEach((track) => pc.addTrack(track, stream));
        await pc.setLocalDescription(await pc.createOffer());
        send(ws, { offer: { sdp: pc.localDescription.sdp } });
      } else if (message.signal && pc) {
        await onSignal(pc, ws, message.signal.signal);
      }
    });
  };
}

/** The connection the server's welcome asks for: its relays, and relayed media only if it says so. */
function configFrom(welcome) {
  return { iceServers: welcome.ice_servers, iceTransportPolicy: welcome.relay_only ? 'relay' : 'all' };
}

/** The regulator: wait in the room, answer, show the video. */
function regulator(assistId) {
  const video = document.createElement('video');
  video.className = 'remote-video';
  video.autoplay = true;
  video.muted = true;
  document.body.append(video);
  let pc;
  join(assistId, async (message, ws) => {
    if (message.welcome) {
      pc = new RTCPeerConnection(configFrom(message.welcome));
      pc.ontrack = ({ streams }) => { video.srcObject = streams[0]; };
      connect(pc, ws);
      document.body.dataset.joined = 'yes';
    } else if (message.signal) {
      await onSignal(pc, ws, message.signal.signal);
    }
  });
}

if (params.has('token')) caller(params.get('token'));
else regulator(params.get('assist'));
