// Must not compile: the client reaches the daemon only through the socket, never its headers
// (tests/client/CMakeLists.txt, layering.client_cannot_include_daemon).
#include "daemon/store.hpp"
