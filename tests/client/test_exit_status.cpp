// Unit tests of client/exit_status: protocol error codes to sysexits codes, one table.
#include <catch2/catch.hpp>

#include "client/exit_status.hpp"

using namespace herald;
using herald::client::exit_for;

namespace {

Exit local(ErrorCode code) {
    return exit_for(HeraldError(code, "m"));
}
Exit daemon(ErrorCode code) {
    return exit_for(HeraldError(code, "m", "f", ErrorOrigin::daemon));
}

}  // namespace

TEST_CASE("exit_status: invalid_params is a usage error here, bad data from the daemon") {
    CHECK(local(ErrorCode::invalid_params) == Exit::usage);
    CHECK(static_cast<int>(Exit::usage) == 64);
    CHECK(daemon(ErrorCode::invalid_params) == Exit::data);
    CHECK(static_cast<int>(Exit::data) == 65);
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
