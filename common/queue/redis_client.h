// A small RAII wrapper over one hiredis connection. Not thread-safe: give
// each thread (producer, consumer worker) its own RedisClient.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

namespace voc::queue {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int connect_timeout_ms = 2000;
  int command_timeout_ms = 5000;
};

struct ReplyDeleter {
  void operator()(redisReply* r) const { if (r) freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command given as binary-safe arguments. Connects (or
  // reconnects after an I/O error) first. Returns nullptr and sets
  // last_error() when the server cannot be reached; an error reply from the
  // server is returned as a REDIS_REPLY_ERROR reply.
  Reply Command(const std::vector<std::string>& args);
  // Runs several commands in one round trip (pipelining). Returns one reply
  // per command, or an empty vector on a connection failure.
  std::vector<Reply> Pipeline(const std::vector<std::vector<std::string>>& commands);

  bool Ping();
  const std::string& last_error() const { return last_error_; }

 private:
  bool EnsureConnected();
  void Disconnect();

  RedisOptions options_;
  redisContext* context_ = nullptr;
  std::string last_error_;
};

}  // namespace voc::queue
