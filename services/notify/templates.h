// Renders a notification request for one recipient in their language (zh or
// en) from the templates of templates.cc, naming people and departments by
// name: the placeholders {{...}} take the request's params, and a param whose
// key ends in "_people" / "_person" (comma-separated person ids) or
// "_departments" / "_department" (department ids) is replaced by the names
// in that language. Always available: {{recipient}} (their name), {{case}},
// {{department}} (the request's department, by name), {{link}}.
#pragma once

#include <map>
#include <string>

#include "common/org/org_directory.h"
#include "services/notify/channels/channel.h"
#include "voc/v1/notify.pb.h"

namespace voc::notify {

struct RenderContext {
  std::string language = "zh";     // "zh" | "en"
  std::string recipient_name;      // the person's name ("" for a robot)
  std::string message_id;
  std::string case_link_base;      // "http://127.0.0.1:8080" -> link "<base>/#case=<id>"; "" = no link
};

// Fills subject, text, markdown, html, link, json_payload, event, language,
// message_id and created_ms. Unknown events use the sender's subject and
// body. Never fails: an unknown id is shown as the id.
RenderedMessage Render(const v1::NotificationRequest& request, const RenderContext& context,
                       const org::OrgDirectory& directory);

// "{{name}}" -> values.at("name"); an unknown placeholder becomes "".
std::string Substitute(const std::string& text, const std::map<std::string, std::string>& values);

// The case id without its resource prefix ("cases/42" -> "42").
std::string BareCaseId(const std::string& case_id);

}  // namespace voc::notify
