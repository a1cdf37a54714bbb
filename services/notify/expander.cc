#include "services/notify/expander.h"

#include <nlohmann/json.hpp>

#include "services/notify/templates.h"

namespace voc::notify {

std::string MessageIdOf(const std::string& request_id, const std::string& person, const std::string& channel) {
  return request_id + "/" + person + "/" + channel;
}

namespace {

// Issue 13 (outreach): the notify channel a customer's channel goes through.
std::string NotifyChannelOf(const std::string& customer_channel) {
  if (customer_channel == "sms" || customer_channel == "app_push") return "webhook";
  return customer_channel;  // email, wecom
}

// One delivery to the customer the request names, its text as the sender
// rendered it.
ExpandedRequest ExpandCustomer(const v1::NotificationRequest& request, std::int64_t now_ms) {
  ExpandedRequest out;
  out.request = request;
  const v1::CustomerRecipient& c = request.customer();
  DeliveryRecord d;
  d.channel = NotifyChannelOf(c.channel());
  d.message_id = MessageIdOf(request.id(), "customer:" + c.customer_id(), d.channel);
  d.request_id = request.id();
  d.event = request.event();
  d.recipient = "customer:" + c.customer_id();
  d.created_ms = now_ms;
  d.next_attempt_ms = now_ms;
  d.language = c.language().empty() ? "zh" : c.language();
  d.subject = request.subject();
  d.text = request.body();
  d.markdown = "**" + request.subject() + "**\n\n" + request.body();
  if (d.channel == "email") {
    d.address = c.address();
  } else if (d.channel == "wecom") {
    d.mention = c.address();
  } else {
    d.address = c.address();
  }
  // What the company's gateway receives (sms, app_push): it de-duplicates on message_id.
  d.payload_json = nlohmann::json{{"type", "voc.outreach"},       {"message_id", d.message_id},
                                   {"customer_id", c.customer_id()}, {"channel", c.channel()},
                                   {"language", d.language},         {"subject", d.subject},
                                   {"text", d.text}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (c.address().empty()) {
    d.state = v1::DELIVERY_STATE_FAILED;
    d.last_error = "no address for customer " + c.customer_id();
    d.final_ms = now_ms;
  }
  out.deliveries.push_back(std::move(d));
  return out;
}

}  // namespace

ExpandedRequest Expander::Expand(const v1::NotificationRequest& request, std::int64_t now_ms) const {
  if (request.has_customer()) return ExpandCustomer(request, now_ms);
  ExpandedRequest out;
  out.request = request;
  const auto subscriptions = subscriptions_.Get();
  for (const Recipient& recipient : subscriptions->RecipientsOf(request, *directory_)) {
    const org::Person* person = directory_->FindPerson(recipient.person);
    for (const std::string& channel : recipient.channels) {
      DeliveryRecord d;
      d.message_id = MessageIdOf(request.id(), recipient.person, channel);
      d.request_id = request.id();
      d.case_id = BareCaseId(request.case_id());
      d.event = request.event();
      d.recipient = recipient.person;
      d.channel = channel;
      d.created_ms = now_ms;
      d.next_attempt_ms = now_ms;
      RenderContext ctx;
      ctx.message_id = d.message_id;
      ctx.case_link_base = case_link_base_;
      if (person) {
        d.recipient_name = person->name;
        ctx.language = person->language;
        ctx.recipient_name = person->name;
        if (channel == "email") {
          d.address = person->email;
        } else if (auto it = person->contacts.find(channel); it != person->contacts.end()) {
          d.mention = it->second;
        }
        if (channel == "file" || channel == "log") d.address = person->id;
      }
      const RenderedMessage m = Render(request, ctx, *directory_);
      d.language = m.language;
      d.subject = m.subject;
      d.text = m.text;
      d.markdown = m.markdown;
      d.html = m.html;
      d.link = m.link;
      d.payload_json = m.json_payload;
      if (!person) {
        d.state = v1::DELIVERY_STATE_FAILED;
        d.last_error = "recipient " + recipient.person + " is not in the directory";
        d.final_ms = now_ms;
      } else if (!person->active) {
        // Never sent: someone who left must not receive the company's alerts.
        // The failed row tells the operator why and that the rule needs fixing.
        d.state = v1::DELIVERY_STATE_FAILED;
        d.last_error = "recipient " + recipient.person + " is inactive in the directory; not sent";
        d.final_ms = now_ms;
      } else if (channel == "email" && d.address.empty()) {
        d.state = v1::DELIVERY_STATE_FAILED;
        d.last_error = "no e-mail address for " + recipient.person + " in the directory";
        d.final_ms = now_ms;
      }
      out.deliveries.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace voc::notify
