// The channels against real receivers started by the test, on loopback and a
// free port, in a temp dir:
//   - a real SMTP server (Debian's python3-aiosmtpd): plain, STARTTLS with a
//     test CA made by the `openssl` command, AUTH; the received mail is read
//     back with Python's own e-mail parser (both parts, recipients, subject
//     and body in zh and en);
//   - a local HTTP receiver that checks the DingTalk and Feishu signatures
//     with the vendors' published Python algorithms, the Standard Webhooks
//     signature per the specification, and that each body is that vendor's
//     message format, answering as the vendor would;
//   - a receiver answering 500 / 429, one too slow, and a closed port.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/clock/clock.h"
#include "services/notify/channels/channel_router.h"
#include "services/notify/channels/email_channel.h"
#include "services/notify/channels/mime.h"
#include "services/notify/channels/robot_channels.h"
#include "services/notify/channels/webhook_channel.h"
#include "services/notify/delivery_channels.h"
#include "services/notify/settings.h"
#include "tests/support/servers.h"

namespace voc::notify {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The SMTP server: stores each accepted message as JSON, parsed by Python's
// e-mail package (an independent MIME / RFC 2047 reader).
constexpr char kSmtpServerPy[] = R"PY(
import email, email.policy, json, os, signal, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, out_dir, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cert, key = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else (None, None)
user, password = os.environ.get("SMTP_USER", ""), os.environ.get("SMTP_PASSWORD", "")

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Mailboxes that answer as real servers do: gone for good, or busy.
        if address.startswith("gone-"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("busy-"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]), "from": str(msg["from"]), "to": str(msg["to"]),
            "from_name": msg["from"].addresses[0].display_name, "to_name": msg["to"].addresses[0].display_name,
            "message_id": str(msg["message-id"]), "date": str(msg["date"]),
            "date_parses": msg["date"].datetime is not None,
            "content_type": msg.get_content_type(),
            "part_types": [p.get_content_type() for p in msg.iter_parts()] if msg.is_multipart() else [],
            "text": plain.get_content() if plain is not None else None,
            "html": html.get_content() if html is not None else None,
            "tls": session.ssl is not None, "authenticated": bool(session.authenticated),
            "client_port": session.peer[1],
            "defects": [str(d) for d in msg.defects],
        }
        n = len(os.listdir(out_dir))
        with open(os.path.join(out_dir, "tmp"), "w") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(os.path.join(out_dir, "tmp"), os.path.join(out_dir, "mail-%03d.json" % n))
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: aiosmtpd itself answers "535" for refused credentials.
    return AuthResult(success=ok, handled=False)

kwargs = {}
if mode in ("starttls", "starttls_auth"):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    kwargs.update(tls_context=ctx, require_starttls=(mode == "starttls_auth"))
if mode == "starttls_auth":
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
# server_hostname: skips a reverse lookup of this host on every connection.
controller = Controller(Handler(), hostname="127.0.0.1", port=port, server_hostname="voc-test-smtp", **kwargs)
controller.start()
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
signal.pause()
)PY";

// The HTTP receiver, answering each vendor's way after checking its
// signature with the vendor's own documented algorithm.
constexpr char kHttpReceiverPy[] = R"PY(
import base64, hashlib, hmac, json, os, sys, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out_dir = int(sys.argv[1]), sys.argv[2]
DING, FEISHU, HOOK = (os.environ[k] for k in ("DINGTALK_SECRET", "FEISHU_SECRET", "WEBHOOK_SECRET"))

def dingtalk(query, body):
    # open.dingtalk.com, custom robot "加签" (Python example):
    #   string_to_sign = '{}\n{}'.format(timestamp, secret)
    #   hmac.new(secret, string_to_sign, sha256) -> b64encode -> quote_plus
    ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not ts or abs(int(ts) - time.time() * 1000) > 3600 * 1000:
        return False, {"errcode": 310000, "errmsg": "timestamp missing or more than an hour off"}
    expected = base64.b64encode(hmac.new(DING.encode(), f"{ts}\n{DING}".encode(), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(sign, expected):
        return False, {"errcode": 310000, "errmsg": "sign not match"}
    md = body.get("markdown", {})
    if body.get("msgtype") != "markdown" or not isinstance(md.get("title"), str) or not isinstance(md.get("text"), str):
        return False, {"errcode": 40035, "errmsg": "missing markdown title/text"}
    return True, {"errcode": 0, "errmsg": "ok"}

def feishu(body):
    # open.feishu.cn, custom bot "签名校验" (Python example):
    #   string_to_sign = '{}\n{}'.format(timestamp, secret)
    #   hmac.new(string_to_sign, b"", sha256) -> b64encode
    ts, sign = body.get("timestamp", ""), body.get("sign", "")
    if not isinstance(ts, str) or not ts or abs(int(ts) - time.time()) > 3600:
        return False, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {}}
    expected = base64.b64encode(hmac.new(f"{ts}\n{FEISHU}".encode(), b"", hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(sign, expected):
        return False, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {}}
    card = body.get("card", {})
    ok = body.get("msg_type") == "interactive" and isinstance(card.get("elements"), list) and \
        card.get("header", {}).get("title", {}).get("tag") == "plain_text"
    if not ok:
        return False, {"code": 9499, "msg": "Bad Request", "data": {}}
    return True, {"code": 0, "msg": "success", "data": {}}

def wecom(body):
    content = body.get("markdown", {}).get("content")
    if body.get("msgtype") != "markdown" or not isinstance(content, str) or len(content.encode()) > 4096:
        return False, {"errcode": 40008, "errmsg": "invalid message type"}
    return True, {"errcode": 0, "errmsg": "ok"}

def standard_webhook(headers, raw):
    # standardwebhooks.com: v1 = base64(HMAC-SHA256(base64decode(secret without whsec_), id.timestamp.body))
    msg_id, ts, sigs = headers.get("webhook-id"), headers.get("webhook-timestamp"), headers.get("webhook-signature", "")
    if not msg_id or not ts or abs(int(ts) - time.time()) > 300:
        return False
    key = base64.b64decode(HOOK.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + raw, hashlib.sha256).digest()).decode()
    for candidate in sigs.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status, verified, reply = 200, False, {}
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if url.path == "/slow":
            time.sleep(3)
        elif url.path.startswith("/status/"):
            status = int(url.path.split("/")[2])
        elif body is None:
            status = 400
        elif url.path == "/dingtalk":
            verified, reply = dingtalk(query, body)
        elif url.path.startswith("/feishu/"):
            verified, reply = feishu(body)
        elif url.path == "/wecom":
            verified, reply = wecom(body)
        elif url.path == "/webhook":
            verified = standard_webhook({k.lower(): v for k, v in self.headers.items()}, raw)
            status = 204 if verified else 401
        record = {"path": url.path, "query": url.query, "headers": {k.lower(): v for k, v in self.headers.items()},
                  "body": body, "verified": verified}
        n = len(os.listdir(out_dir))
        with open(os.path.join(out_dir, "tmp"), "w") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(os.path.join(out_dir, "tmp"), os.path.join(out_dir, "req-%03d.json" % n))
        data = json.dumps(reply, ensure_ascii=False).encode() if reply else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
)PY";

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The JSON records a server wrote into `dir`, in arrival order.
std::vector<json> Records(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename();
    if (name != "tmp") names.push_back(entry.path());
  }
  std::sort(names.begin(), names.end());
  std::vector<json> out;
  for (const auto& n : names) out.push_back(json::parse(ReadFile(n)));
  return out;
}

std::string WithLf(const json& text) {
  std::string out;
  for (char c : text.get<std::string>()) {
    if (c != '\r') out += c;
  }
  return out;
}

bool IsRetryable(const absl::Status& s) { return IsRetryableDelivery(s); }

void Run(const std::string& command) { ASSERT_EQ(std::system(command.c_str()), 0) << command; }

// A CA, a server certificate it signed for 127.0.0.1, and a second CA that
// signed nothing of ours (to see verification fail).
struct TestPki {
  explicit TestPki(const std::string& dir) : ca(dir + "/ca.pem"), other_ca(dir + "/other-ca.pem"),
                                              cert(dir + "/server.pem"), key(dir + "/server.key") {
    const std::string d = "'" + dir + "'";
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    WriteFile(dir + "/ext.cnf",
              "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
              "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
    Run("cd " + d + " && openssl req -x509" + ec + " -keyout ca.key -out ca.pem -days 2 -subj '/CN=VoC test CA' 2>/dev/null");
    Run("cd " + d + " && openssl req -x509" + ec +
        " -keyout other-ca.key -out other-ca.pem -days 2 -subj '/CN=Someone else' 2>/dev/null");
    Run("cd " + d + " && openssl req" + ec + " -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>/dev/null");
    Run("cd " + d + " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
        " -out server.pem -days 2 -extfile ext.cnf 2>/dev/null");
  }
  std::string ca, other_ca, cert, key;
};

constexpr char kSmtpUser[] = "voc-notify";
constexpr char kSmtpPassword[] = "test-only-password";  // a throwaway for this test's own server

class SmtpServer {
 public:
  // mode: "plain" | "starttls" (offered) | "starttls_auth" (required, with AUTH)
  SmtpServer(const std::string& mode, const TestPki* pki = nullptr, int port = 0)
      : port_(port ? port : testing::FreePort()), mail_dir_(dir_.path() + "/mail") {
    fs::create_directories(mail_dir_);
    WriteFile(dir_.path() + "/smtp_server.py", kSmtpServerPy);
    std::vector<std::string> argv = {VOC_SYSTEM_PYTHON, dir_.path() + "/smtp_server.py", std::to_string(port_),
                                     mail_dir_, mode};
    if (pki) {
      argv.push_back(pki->cert);
      argv.push_back(pki->key);
    }
    process_ = std::make_unique<testing::ChildProcess>(
        argv, dir_.path() + "/smtp.log",
        std::map<std::string, std::string>{{"SMTP_USER", kSmtpUser}, {"SMTP_PASSWORD", kSmtpPassword}});
    if (!testing::WaitForPort(port_, 15000)) ADD_FAILURE() << ReadFile(dir_.path() + "/smtp.log");
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<json> mails() const { return Records(mail_dir_); }

 private:
  testing::TempDir dir_;
  int port_;
  std::string mail_dir_;
  std::unique_ptr<testing::ChildProcess> process_;
};

constexpr char kDingTalkSecret[] = "SECtest0123456789abcdef";
constexpr char kFeishuSecret[] = "feishu-test-secret";
constexpr char kWebhookSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";  // the spec's example key

class HttpReceiver {
 public:
  HttpReceiver() : port_(testing::FreePort()), request_dir_(dir_.path() + "/requests") {
    fs::create_directories(request_dir_);
    WriteFile(dir_.path() + "/receiver.py", kHttpReceiverPy);
    process_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{VOC_SYSTEM_PYTHON, dir_.path() + "/receiver.py", std::to_string(port_),
                                 request_dir_},
        dir_.path() + "/receiver.log",
        std::map<std::string, std::string>{{"DINGTALK_SECRET", kDingTalkSecret},
                                           {"FEISHU_SECRET", kFeishuSecret},
                                           {"WEBHOOK_SECRET", kWebhookSecret}});
    if (!testing::WaitForPort(port_, 15000)) ADD_FAILURE() << ReadFile(dir_.path() + "/receiver.log");
  }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<json> requests() const { return Records(request_dir_); }

 private:
  testing::TempDir dir_;
  int port_;
  std::string request_dir_;
  std::unique_ptr<testing::ChildProcess> process_;
};

RenderedMessage Message(const std::string& language) {
  RenderedMessage m;
  bool zh = language == "zh";
  m.message_id = std::string("sla:case-7:resolution:breach:p-wang:") + (zh ? "zh" : "en");
  m.event = "sla_breach";
  m.language = language;
  m.subject = zh ? "【已超时】案例 case-7：配送延误投诉的解决时限已过" : "[Breached] case-7: resolution target passed";
  m.text = zh ? "王芳您好：\n案例 case-7 的解决时限已于 12月2日 10:00 超过。\n请尽快处理。"
              : "Hello Li Wei,\nthe resolution target of case-7 passed at 10:00 on 2 Dec.\nPlease act now.";
  m.html = zh ? "<p>王芳您好：</p><p>案例 <b>case-7</b> 的解决时限已超过。</p>"
              : "<p>Hello Li Wei,</p><p>the resolution target of <b>case-7</b> passed.</p>";
  m.markdown = zh ? "案例 **case-7** 的解决时限已超过" : "The resolution target of **case-7** passed";
  m.link = "https://voc.example.com/#/cases/case-7";
  m.created_ms = 1796178605000;
  return m;
}

Destination Mailbox(const std::string& name, const std::string& address) {
  Destination d;
  d.channel = "email";
  d.address = address;
  d.display_name = name;
  return d;
}

SmtpOptions Smtp(const std::string& url, StartTls starttls) {
  SmtpOptions o;
  o.url = url;
  o.from_address = "voc@example.com";
  o.from_name = "VoC 客户之声";
  o.starttls = starttls;
  o.timeout_ms = 10000;
  return o;
}

SystemClock wall_clock;

TEST(EmailChannel, PlainSmtpDeliversBothPartsWithSubjectAndBodyInZhAndEn) {
  SmtpServer server("plain");
  EmailChannel channel(Smtp(server.url(), StartTls::kOff), wall_clock);
  ASSERT_TRUE(channel.Deliver(Message("zh"), Mailbox("王芳", "wang.fang@example.com")).ok());
  ASSERT_TRUE(channel.Deliver(Message("en"), Mailbox("Li Wei", "li.wei@example.com")).ok());

  std::vector<json> mails = server.mails();
  ASSERT_EQ(mails.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const json& mail = mails[i];
    RenderedMessage sent = Message(i == 0 ? "zh" : "en");
    EXPECT_EQ(mail["mail_from"], "voc@example.com");
    EXPECT_EQ(mail["rcpt_tos"], json::array({i == 0 ? "wang.fang@example.com" : "li.wei@example.com"}));
    EXPECT_EQ(mail["subject"], sent.subject);
    EXPECT_EQ(mail["to_name"], i == 0 ? "王芳" : "Li Wei");
    EXPECT_EQ(mail["from_name"], "VoC 客户之声");
    EXPECT_EQ(mail["content_type"], "multipart/alternative");
    EXPECT_EQ(mail["part_types"], json::array({"text/plain", "text/html"}));
    // Sent with MIME's CRLF line ends; a reader gives back the text as written.
    EXPECT_EQ(WithLf(mail["text"]), sent.text);
    EXPECT_EQ(WithLf(mail["html"]), sent.html);
    EXPECT_EQ(mail["message_id"], FormatMessageId(sent.message_id, "example.com"));
    EXPECT_TRUE(mail["date_parses"].get<bool>());
    EXPECT_TRUE(mail["defects"].empty()) << mail["defects"];
    EXPECT_FALSE(mail["tls"].get<bool>());
  }
}

TEST(EmailChannel, KeepsItsConnectionAndRecoversWhenTheServerRestarted) {
  int port = testing::FreePort();
  auto server = std::make_unique<SmtpServer>("plain", nullptr, port);
  EmailChannel channel(Smtp(server->url(), StartTls::kOff), wall_clock);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(channel.Deliver(Message("en"), Mailbox("", "li.wei@example.com")).ok());
  }
  std::vector<json> mails = server->mails();
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_EQ(mails[1]["client_port"], mails[0]["client_port"]) << "one connection for consecutive mails";
  EXPECT_EQ(mails[2]["client_port"], mails[0]["client_port"]);
  // The kept connection dies with the server; the next delivery must not
  // fail for it once a server is back on the port.
  server.reset();
  server = std::make_unique<SmtpServer>("plain", nullptr, port);
  absl::Status after = channel.Deliver(Message("zh"), Mailbox("", "wang.fang@example.com"));
  EXPECT_TRUE(after.ok()) << after;
  EXPECT_EQ(server->mails().size(), 1u);
}

TEST(EmailChannel, StartTlsWithTheTestCaAndAuthDelivers) {
  testing::TempDir pki_dir;
  TestPki pki(pki_dir.path());
  SmtpServer server("starttls_auth", &pki);
  SmtpOptions options = Smtp(server.url(), StartTls::kRequired);
  options.ca_file = pki.ca;
  options.username = kSmtpUser;
  options.password = kSmtpPassword;
  EmailChannel channel(options, wall_clock);
  absl::Status sent = channel.Deliver(Message("zh"), Mailbox("王芳", "wang.fang@example.com"));
  ASSERT_TRUE(sent.ok()) << sent;
  std::vector<json> mails = server.mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(mails[0]["tls"].get<bool>());
  EXPECT_TRUE(mails[0]["authenticated"].get<bool>());
  EXPECT_EQ(mails[0]["subject"], Message("zh").subject);
}

TEST(EmailChannel, AWrongPasswordIsPermissionDeniedAndTheSecretIsNotInTheMessage) {
  testing::TempDir pki_dir;
  TestPki pki(pki_dir.path());
  SmtpServer server("starttls_auth", &pki);
  SmtpOptions options = Smtp(server.url(), StartTls::kRequired);
  options.ca_file = pki.ca;
  options.username = kSmtpUser;
  options.password = "not-the-password";
  absl::Status sent = EmailChannel(options, wall_clock).Deliver(Message("en"), Mailbox("", "li.wei@example.com"));
  EXPECT_EQ(sent.code(), absl::StatusCode::kPermissionDenied) << sent;
  EXPECT_EQ(std::string(sent.message()).find("not-the-password"), std::string::npos);
  EXPECT_TRUE(server.mails().empty());
}

TEST(EmailChannel, AnUntrustedCertificateIsRefusedPermanently) {
  testing::TempDir pki_dir;
  TestPki pki(pki_dir.path());
  SmtpServer server("starttls", &pki);
  SmtpOptions options = Smtp(server.url(), StartTls::kRequired);
  options.ca_file = pki.other_ca;
  absl::Status sent = EmailChannel(options, wall_clock).Deliver(Message("en"), Mailbox("", "li.wei@example.com"));
  EXPECT_EQ(sent.code(), absl::StatusCode::kFailedPrecondition) << sent;
  EXPECT_TRUE(server.mails().empty());
}

TEST(EmailChannel, RequiredStartTlsNeverSendsInClearOpportunisticDoes) {
  SmtpServer server("plain");
  absl::Status required = EmailChannel(Smtp(server.url(), StartTls::kRequired), wall_clock)
                              .Deliver(Message("en"), Mailbox("", "li.wei@example.com"));
  EXPECT_EQ(required.code(), absl::StatusCode::kFailedPrecondition) << required;
  EXPECT_TRUE(server.mails().empty());
  absl::Status opportunistic = EmailChannel(Smtp(server.url(), StartTls::kOpportunistic), wall_clock)
                                   .Deliver(Message("en"), Mailbox("", "li.wei@example.com"));
  EXPECT_TRUE(opportunistic.ok()) << opportunistic;
  ASSERT_EQ(server.mails().size(), 1u);
  EXPECT_FALSE(server.mails()[0]["tls"].get<bool>());
}

TEST(EmailChannel, OpportunisticUpgradesWhenTheServerOffersStartTls) {
  testing::TempDir pki_dir;
  TestPki pki(pki_dir.path());
  SmtpServer server("starttls", &pki);
  SmtpOptions options = Smtp(server.url(), StartTls::kOpportunistic);
  options.ca_file = pki.ca;
  ASSERT_TRUE(EmailChannel(options, wall_clock).Deliver(Message("zh"), Mailbox("", "wang.fang@example.com")).ok());
  ASSERT_EQ(server.mails().size(), 1u);
  EXPECT_TRUE(server.mails()[0]["tls"].get<bool>());
}

TEST(EmailChannel, ARecipientRefusedFor5xxIsPermanentA4xxIsRetryable) {
  SmtpServer server("plain");
  EmailChannel channel(Smtp(server.url(), StartTls::kOff), wall_clock);
  absl::Status gone = channel.Deliver(Message("en"), Mailbox("", "gone-li@example.com"));
  EXPECT_EQ(gone.code(), absl::StatusCode::kFailedPrecondition) << gone;
  EXPECT_NE(std::string(gone.message()).find("550"), std::string::npos) << gone;
  absl::Status busy = channel.Deliver(Message("en"), Mailbox("", "busy-li@example.com"));
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable) << busy;
  EXPECT_TRUE(server.mails().empty());
}

TEST(EmailChannel, AServerThatIsDownIsRetryableABadAddressIsNot) {
  int closed = testing::FreePort();
  EmailChannel channel(Smtp("smtp://127.0.0.1:" + std::to_string(closed), StartTls::kOff), wall_clock);
  absl::Status down = channel.Deliver(Message("en"), Mailbox("", "li.wei@example.com"));
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  absl::Status bad = channel.Deliver(Message("en"), Mailbox("", "li wei@example.com\r\nRCPT TO:<x@y>"));
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument) << bad;
}

Destination Robot(const std::string& channel, const std::string& url, const std::string& secret,
                  std::vector<std::string> mentions = {}) {
  Destination d;
  d.channel = channel;
  d.address = url;
  d.secret = secret;
  d.mention_ids = std::move(mentions);
  return d;
}

HttpOptions QuickHttp() {
  HttpOptions o;
  o.connect_timeout_ms = 2000;
  o.timeout_ms = 5000;
  return o;
}

TEST(RobotChannels, DingTalkSignatureAndMarkdownAreAcceptedByTheVendorsAlgorithm) {
  HttpReceiver receiver;
  RobotChannel dingtalk(Robot::kDingTalk, QuickHttp(), wall_clock);
  absl::Status sent = dingtalk.Deliver(
      Message("zh"), Robot("dingtalk", receiver.Url("/dingtalk?access_token=tok"),
                           std::string(kDingTalkSecret) + "\n" /* as a file-made Secret has it */, {"user123"}));
  ASSERT_TRUE(sent.ok()) << sent;
  std::vector<json> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0]["verified"].get<bool>());
  EXPECT_NE(requests[0]["query"].get<std::string>().find("access_token=tok&timestamp="), std::string::npos);
  EXPECT_EQ(requests[0]["body"]["markdown"]["title"], Message("zh").subject);
  EXPECT_EQ(requests[0]["body"]["at"]["atUserIds"], json::array({"user123"}));

  absl::Status wrong = dingtalk.Deliver(Message("zh"), Robot("dingtalk", receiver.Url("/dingtalk?access_token=tok"),
                                                             "SECsomebody-elses"));
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied) << wrong;
  EXPECT_NE(std::string(wrong.message()).find("310000"), std::string::npos);
  EXPECT_FALSE(IsRetryable(wrong));
}

TEST(RobotChannels, FeishuSignatureAndCardAreAcceptedByTheVendorsAlgorithm) {
  HttpReceiver receiver;
  RobotChannel feishu(Robot::kFeishu, QuickHttp(), wall_clock);
  absl::Status sent =
      feishu.Deliver(Message("en"), Robot("feishu", receiver.Url("/feishu/hook-token"), kFeishuSecret, {"ou_1"}));
  ASSERT_TRUE(sent.ok()) << sent;
  std::vector<json> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0]["verified"].get<bool>());
  const json& card = requests[0]["body"]["card"];
  EXPECT_EQ(card["header"]["title"]["content"], Message("en").subject);
  EXPECT_EQ(card["elements"][1]["actions"][0]["url"], Message("en").link);

  absl::Status wrong = feishu.Deliver(Message("en"), Robot("feishu", receiver.Url("/feishu/hook-token"), "other"));
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied) << wrong;
  EXPECT_NE(std::string(wrong.message()).find("19021"), std::string::npos);
}

TEST(RobotChannels, WeComMarkdownIsAccepted) {
  HttpReceiver receiver;
  RobotChannel wecom(Robot::kWeCom, QuickHttp(), wall_clock);
  absl::Status sent = wecom.Deliver(Message("zh"), Robot("wecom", receiver.Url("/wecom?key=k"), "", {"wangfang"}));
  ASSERT_TRUE(sent.ok()) << sent;
  std::vector<json> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0]["verified"].get<bool>());
  std::string content = requests[0]["body"]["markdown"]["content"];
  EXPECT_NE(content.find(Message("zh").subject), std::string::npos);
  EXPECT_NE(content.find("<@wangfang>"), std::string::npos);
}

TEST(WebhookChannel, SignedPerStandardWebhooksWithTheMessageIdAndTheVersionedPayload) {
  HttpReceiver receiver;
  WebhookChannel webhook(QuickHttp(), wall_clock);
  RenderedMessage m = Message("en");
  WebhookEvent event;
  event.notification_id = "sla:case-7:resolution:breach";
  event.event = m.event;
  event.occurred_ms = m.created_ms;
  event.case_id = "case-7";
  event.department = "logistics";
  event.recipients = {"p-wang"};
  event.language = "en";
  event.subject = m.subject;
  event.text = m.text;
  event.link = m.link;
  m.json_payload = BuildWebhookPayload(event);
  absl::Status sent = webhook.Deliver(m, Robot("webhook", receiver.Url("/webhook"), kWebhookSecret));
  ASSERT_TRUE(sent.ok()) << sent;
  // A retry of the same message keeps its webhook-id (receivers de-duplicate on it).
  ASSERT_TRUE(webhook.Deliver(m, Robot("webhook", receiver.Url("/webhook"), kWebhookSecret)).ok());
  std::vector<json> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const json& r : requests) {
    EXPECT_TRUE(r["verified"].get<bool>());
    EXPECT_EQ(r["headers"]["webhook-id"], m.message_id);
    EXPECT_EQ(r["body"]["type"], "voc.sla_breach");
    EXPECT_EQ(r["body"]["version"], 1);
    EXPECT_EQ(r["body"]["data"]["case_id"], "case-7");
  }

  // While a key is rotated both signatures go out; a receiver with either key accepts.
  ASSERT_TRUE(webhook
                  .Deliver(m, Robot("webhook", receiver.Url("/webhook"),
                                    std::string("whsec_bmV3LWtleS1ub3QteWV0LWtub3du ") + kWebhookSecret))
                  .ok());
  EXPECT_TRUE(receiver.requests().back()["verified"].get<bool>());
  EXPECT_NE(receiver.requests().back()["headers"]["webhook-signature"].get<std::string>().find(' '),
            std::string::npos);

  absl::Status wrong =
      webhook.Deliver(m, Robot("webhook", receiver.Url("/webhook"), "whsec_c29tZWJvZHkgZWxzZQ=="));
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied) << wrong;
  absl::Status unsigned_hook = webhook.Deliver(m, Robot("webhook", receiver.Url("/webhook"), ""));
  EXPECT_EQ(unsigned_hook.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(HttpChannels, A500A429ATimeoutAndAClosedPortAreRetryable) {
  HttpReceiver receiver;
  HttpOptions http = QuickHttp();
  http.timeout_ms = 500;
  WebhookChannel webhook(http, wall_clock);
  RobotChannel dingtalk(Robot::kDingTalk, http, wall_clock);
  RobotChannel feishu(Robot::kFeishu, http, wall_clock);
  RenderedMessage m = Message("zh");

  absl::Status s500 = webhook.Deliver(m, Robot("webhook", receiver.Url("/status/500"), kWebhookSecret));
  EXPECT_EQ(s500.code(), absl::StatusCode::kUnavailable) << s500;
  EXPECT_TRUE(IsRetryable(dingtalk.Deliver(m, Robot("dingtalk", receiver.Url("/status/500"), kDingTalkSecret))));
  EXPECT_TRUE(IsRetryable(feishu.Deliver(m, Robot("feishu", receiver.Url("/status/503"), kFeishuSecret))));
  absl::Status s429 = webhook.Deliver(m, Robot("webhook", receiver.Url("/status/429"), kWebhookSecret));
  EXPECT_EQ(s429.code(), absl::StatusCode::kResourceExhausted) << s429;
  absl::Status slow = webhook.Deliver(m, Robot("webhook", receiver.Url("/slow"), kWebhookSecret));
  EXPECT_EQ(slow.code(), absl::StatusCode::kDeadlineExceeded) << slow;
  absl::Status s404 = webhook.Deliver(m, Robot("webhook", receiver.Url("/status/404"), kWebhookSecret));
  EXPECT_EQ(s404.code(), absl::StatusCode::kFailedPrecondition) << s404;
  EXPECT_FALSE(IsRetryable(s404));

  std::string closed = "http://127.0.0.1:" + std::to_string(testing::FreePort());
  for (Channel* c : std::vector<Channel*>{&webhook, &dingtalk, &feishu}) {
    absl::Status down = c->Deliver(m, Robot("x", closed + "/x?access_token=t", kWebhookSecret));
    EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
    // Robot URLs carry credentials: a status shows the host only.
    EXPECT_EQ(std::string(down.message()).find("access_token"), std::string::npos) << down;
  }
}

TEST(ChannelRouter, DeliversByTheDestinationsChannelAndRefusesUnknownOnes) {
  HttpReceiver receiver;
  ChannelRouter router;
  router.Add("wecom", std::make_unique<RobotChannel>(Robot::kWeCom, QuickHttp(), wall_clock));
  router.Add("webhook", std::make_unique<WebhookChannel>(QuickHttp(), wall_clock));
  EXPECT_TRUE(router.Deliver(Message("en"), Robot("wecom", receiver.Url("/wecom?key=k"), "")).ok());
  EXPECT_TRUE(router.Deliver(Message("en"), Robot("webhook", receiver.Url("/webhook"), kWebhookSecret)).ok());
  std::vector<json> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["path"], "/wecom");
  EXPECT_EQ(requests[1]["path"], "/webhook");
  absl::Status unknown = router.Deliver(Message("en"), Robot("pager", receiver.Url("/x"), ""));
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(unknown.message()).find("destination.channel"), std::string::npos);
}

// ---- issue 11: a department's own robot (services.notify.channels.<name>.departments)

constexpr char kRobotDirectory[] = R"(departments:
  - {id: logistics, head: p-log}
  - {id: pr, head: p-pr}
  - {id: executive, head: p-ceo}
people:
  - {id: p-ceo, department: executive}
  - {id: p-log, department: logistics, manager: p-ceo}
  - {id: p-pr, department: pr, manager: p-ceo}
)";

// A stored delivery of a request owned by `department`, as the worker reads it.
DeliveryRecord RobotDelivery(const std::string& channel, const std::string& department) {
  const RenderedMessage m = Message("zh");
  DeliveryRecord d;
  d.message_id = "red_line:1/p-x/" + channel + "/" + department;
  d.channel = channel;
  d.department = department;
  d.event = m.event;
  d.language = m.language;
  d.subject = m.subject;
  d.text = m.text;
  d.markdown = m.markdown;
  d.link = m.link;
  d.created_ms = m.created_ms;
  return d;
}

absl::Status AddChannelsFrom(const std::string& channels_yaml, DeliveryChannels* router) {
  auto config = Config::FromString("services:\n  notify:\n    channels:\n" + channels_yaml, "notify");
  if (!config.ok()) return config.status();
  const auto dir = org::OrgDirectory::Parse(kRobotDirectory).value();
  return AddChannels(*config, wall_clock, router, &dir);
}

TEST(DepartmentRobots, LogisticsAlertReachesLogisticsRobotNotPrs) {
  HttpReceiver receiver;
  // The URLs carry the robots' keys: only environment variables name them.
  ::setenv("VOC_TEST_WECOM_URL", receiver.Url("/wecom?key=company").c_str(), 1);
  ::setenv("VOC_TEST_WECOM_URL_LOGISTICS", receiver.Url("/wecom?key=logistics").c_str(), 1);
  ::setenv("VOC_TEST_WECOM_URL_PR", receiver.Url("/wecom?key=pr").c_str(), 1);
  ::setenv("VOC_TEST_DINGTALK_URL_LOGISTICS", receiver.Url("/dingtalk?access_token=logistics").c_str(), 1);
  ::setenv("VOC_TEST_DINGTALK_SECRET_LOGISTICS", kDingTalkSecret, 1);
  DeliveryChannels router;
  const absl::Status added = AddChannelsFrom(
      "      log: {enabled: false}\n"
      "      wecom:\n"
      "        url_env: VOC_TEST_WECOM_URL\n"
      "        departments:\n"
      "          logistics: {url_env: VOC_TEST_WECOM_URL_LOGISTICS}\n"
      "          pr: {url_env: VOC_TEST_WECOM_URL_PR}\n"
      "      dingtalk:\n"
      "        departments:\n"
      "          logistics: {url_env: VOC_TEST_DINGTALK_URL_LOGISTICS, secret_env: VOC_TEST_DINGTALK_SECRET_LOGISTICS}\n",
      &router);
  ASSERT_TRUE(added.ok()) << added;

  ASSERT_TRUE(router.Deliver(RobotDelivery("wecom", "logistics")).ok());
  ASSERT_TRUE(router.Deliver(RobotDelivery("wecom", "pr")).ok());
  ASSERT_TRUE(router.Deliver(RobotDelivery("wecom", "executive")).ok()) << "no robot of its own: the channel's";
  const absl::Status signed_one = router.Deliver(RobotDelivery("dingtalk", "logistics"));
  ASSERT_TRUE(signed_one.ok()) << signed_one;
  const absl::Status no_robot = router.Deliver(RobotDelivery("dingtalk", "pr"));
  EXPECT_EQ(no_robot.code(), absl::StatusCode::kFailedPrecondition) << "pr has no DingTalk robot, nor the company";

  const std::vector<json> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0]["query"], "key=logistics") << "logistics' alert reaches logistics' robot";
  EXPECT_EQ(requests[1]["query"], "key=pr");
  EXPECT_EQ(requests[2]["query"], "key=company");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(requests[i]["verified"].get<bool>()) << i;
  EXPECT_EQ(requests[3]["path"], "/dingtalk");
  EXPECT_NE(requests[3]["query"].get<std::string>().find("access_token=logistics&timestamp="), std::string::npos);
  EXPECT_TRUE(requests[3]["verified"].get<bool>()) << "signed with logistics' own secret";
}

TEST(DepartmentRobots, AMistakeRefusesToStartWithFileAndLine) {
  ::setenv("VOC_TEST_FEISHU_URL_PR", "http://127.0.0.1:9/feishu/x", 1);
  ::unsetenv("VOC_TEST_UNSET_VARIABLE");
  DeliveryChannels router;
  // Line 4 of the config: the department that is not in the directory.
  absl::Status refused = AddChannelsFrom(
      "      feishu:\n"
      "        departments:\n"
      "          warehouse: {url_env: VOC_TEST_FEISHU_URL_PR}\n",
      &router);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(refused.message()),
            "<string>:6: services.notify.channels.feishu.departments.warehouse: 'warehouse' is not a department "
            "of the org directory")
      << refused;

  refused = AddChannelsFrom(
      "      feishu:\n"
      "        departments:\n"
      "          pr: {url: 'http://127.0.0.1:9/feishu/key-in-the-file'}\n",
      &router);
  EXPECT_NE(std::string(refused.message()).find("<string>:6: services.notify.channels.feishu.departments.pr.url: "),
            std::string::npos)
      << refused;
  EXPECT_EQ(std::string(refused.message()).find("key-in-the-file"), std::string::npos) << "never echo a key";

  refused = AddChannelsFrom(
      "      feishu:\n"
      "        departments:\n"
      "          pr: {url_env: VOC_TEST_FEISHU_URL_PR, secret_env: VOC_TEST_UNSET_VARIABLE}\n",
      &router);
  EXPECT_NE(std::string(refused.message())
                .find("services.notify.channels.feishu.departments.pr.secret_env: the environment variable "
                      "VOC_TEST_UNSET_VARIABLE is not set"),
            std::string::npos)
      << refused;
  EXPECT_EQ(std::string(refused.message()).rfind("<string>:6: ", 0), 0u) << refused;

  refused = AddChannelsFrom("      feishu:\n        departments:\n          pr: {secret_env: X}\n", &router);
  EXPECT_NE(std::string(refused.message()).find("departments.pr.url_env: is required"), std::string::npos) << refused;
}

}  // namespace
}  // namespace voc::notify
