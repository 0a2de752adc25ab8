// Unit tests of client/exit_status: protocol error codes to sysexits codes, one table.
#include <catch2/catch.hpp>

#include "client/exit_status.hpp"

using namespace herald;
using herald::client::error_line;
using herald::client::exit_for;
using herald::client::UsageError;

namespace {

Exit local(ErrorCode code) {
    return exit_for(HeraldError(code, "m"));
}
Exit daemon(ErrorCode code) {
    return exit_for(HeraldError(code, "m", "f", ErrorOrigin::daemon));
}

}  // namespace

TEST_CASE("exit_status: a usage error is 64, invalid_params found anywhere else is bad data") {
    CHECK(exit_for(UsageError("give --at or --tba", "--at")) == Exit::usage);
    CHECK(static_cast<int>(Exit::usage) == 64);
    CHECK(local(ErrorCode::invalid_params) == Exit::data);
    CHECK(daemon(ErrorCode::invalid_params) == Exit::data);
    CHECK(static_cast<int>(Exit::data) == 65);
}

TEST_CASE("exit_status: the error line names an option, never an internal name") {
    auto line = [](std::string field, std::string message, ErrorOrigin origin) {
        return error_line(HeraldError(ErrorCode::invalid_params, message, field, origin));
    };
    auto here = ErrorOrigin::local;
    auto there = ErrorOrigin::daemon;
    CHECK(line("--tz", "unknown time zone 'X'", here) == "--tz: unknown time zone 'X'");
    CHECK(line("--at", "--at WHEN is required", here) == "--at WHEN is required");
    CHECK(line("MONTH", "expected a month as YYYY-MM", here) == "expected a month as YYYY-MM");
    CHECK(line("query", "no event matches 'x'", here) == "no event matches 'x'");
    CHECK(line("changes.exdates", "exdate 2030-01-15 matches no occurrence", there) ==
          "--except: exdate 2030-01-15 matches no occurrence");
    CHECK(line("event.alarms[0].trigger", "bad trigger", there) == "--remind: bad trigger");
    CHECK(line("rrule", "FREQ=X: expected RFC 5545 rule parts", there) ==
          "--rrule: FREQ=X: expected RFC 5545 rule parts");
    CHECK(line("id", "no event with id 4", there) == "no event with id 4");
}

TEST_CASE("exit_status: each protocol code has its sysexits code, wherever it was found") {
    for (auto origin : {ErrorOrigin::local, ErrorOrigin::daemon}) {
        auto exit_of = [&](ErrorCode c) { return exit_for(HeraldError(c, "m", "", origin)); };
        CHECK(static_cast<int>(exit_of(ErrorCode::invalid_time)) == 65);
        CHECK(static_cast<int>(exit_of(ErrorCode::too_large)) == 65);
        CHECK(static_cast<int>(exit_of(ErrorCode::not_found)) == 66);
        CHECK(static_cast<int>(exit_of(ErrorCode::permission_denied)) == 77);
        CHECK(static_cast<int>(exit_of(ErrorCode::revision_conflict)) == 75);
        CHECK(static_cast<int>(exit_of(ErrorCode::busy)) == 75);
        CHECK(static_cast<int>(exit_of(ErrorCode::storage_error)) == 70);
        CHECK(static_cast<int>(exit_of(ErrorCode::internal_error)) == 70);
        CHECK(static_cast<int>(exit_of(ErrorCode::method_not_found)) == 70);
    }
}

TEST_CASE("exit_status: a code this client does not know is an internal error") {
    CHECK(daemon(static_cast<ErrorCode>(4242)) == Exit::software);
    CHECK(static_cast<int>(Exit::software) == 70);
}
