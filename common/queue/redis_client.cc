#include "common/queue/redis_client.h"

#include <sys/time.h>

namespace voc::queue {
namespace {

timeval ToTimeval(int ms) {
  timeval tv;
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

void ToArgv(const std::vector<std::string>& args, std::vector<const char*>* argv, std::vector<size_t>* lens) {
  argv->clear();
  lens->clear();
  for (const auto& a : args) {
    argv->push_back(a.data());
    lens->push_back(a.size());
  }
}

}  // namespace

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {}

RedisClient::~RedisClient() { Disconnect(); }

void RedisClient::Disconnect() {
  if (context_) {
    redisFree(context_);
    context_ = nullptr;
  }
}

bool RedisClient::EnsureConnected() {
  if (context_) return true;
  timeval timeout = ToTimeval(options_.connect_timeout_ms);
  context_ = redisConnectWithTimeout(options_.host.c_str(), options_.port, timeout);
  if (!context_ || context_->err) {
    last_error_ = "cannot connect to redis at " + options_.host + ":" + std::to_string(options_.port) + ": " +
                  (context_ ? context_->errstr : "out of memory");
    Disconnect();
    return false;
  }
  timeval command_timeout = ToTimeval(options_.command_timeout_ms);
  redisSetTimeout(context_, command_timeout);
  if (!options_.password.empty()) {
    Reply auth(static_cast<redisReply*>(redisCommand(context_, "AUTH %b", options_.password.data(),
                                                     options_.password.size())));
    if (!auth || auth->type == REDIS_REPLY_ERROR) {
      last_error_ = "redis AUTH failed";
      Disconnect();
      return false;
    }
  }
  return true;
}

Reply RedisClient::Command(const std::vector<std::string>& args) {
  if (!EnsureConnected()) return nullptr;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  ToArgv(args, &argv, &lens);
  Reply reply(static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data())));
  if (!reply) {
    last_error_ = std::string("redis I/O error: ") + context_->errstr;
    // A context with an I/O error cannot be reused: reconnect next time.
    Disconnect();
  }
  return reply;
}

std::vector<Reply> RedisClient::Pipeline(const std::vector<std::vector<std::string>>& commands) {
  std::vector<Reply> replies;
  if (commands.empty()) return replies;
  if (!EnsureConnected()) return replies;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& args : commands) {
    ToArgv(args, &argv, &lens);
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
      last_error_ = std::string("redis append error: ") + context_->errstr;
      Disconnect();
      return {};
    }
  }
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK) {
      last_error_ = std::string("redis I/O error: ") + context_->errstr;
      Disconnect();
      return {};
    }
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

bool RedisClient::Ping() {
  Reply reply = Command({"PING"});
  return reply && reply->type != REDIS_REPLY_ERROR;
}

}  // namespace voc::queue
