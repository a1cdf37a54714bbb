// What voc users, voc apikeys and voc audit share (issue 9): the identity
// stub, an explanation of a refusal that says what to do, and reading a
// password from standard input (never from the command line, where ps and
// the shell history would see it).
#pragma once

#include <iostream>
#include <memory>
#include <string>

#include "cli/cli_context.h"
#include "voc/v1/identity.grpc.pb.h"

namespace voc::cli {

inline std::unique_ptr<v1::IdentityService::Stub> IdentityStub(const CliContext& ctx) {
  return v1::IdentityService::NewStub(ctx.Channel("identity"));
}

// "voc <command>: <why>" for a failed identity call.
inline std::string ExplainIdentity(const CliContext& ctx, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return "this needs an admin key (" + status.error_message() +
           "): set VOC_API_KEY to an API key with the admin scope";
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    return status.error_message();
  }
  return ctx.Explain("identity", status);
}

// The first line of standard input without its line end; false when empty.
inline bool ReadPasswordLine(std::string* password) {
  if (!std::getline(std::cin, *password)) return false;
  while (!password->empty() && (password->back() == '\r' || password->back() == '\n')) password->pop_back();
  return !password->empty();
}

}  // namespace voc::cli
