#include "caldav/http.hpp"

#include <curl/curl.h>
#include <strings.h>

#include <mutex>

namespace herald::caldav {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
    auto* r = static_cast<HttpResponse*>(out);
    std::string line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
        r->status_line = line;  // the last one wins (after a 100 Continue)
        r->etag.clear();
        r->location.clear();
    } else if (line.size() > 5 && strncasecmp(line.c_str(), "etag:", 5) == 0) {
        auto start = line.find_first_not_of(' ', 5);
        r->etag = start == std::string::npos ? "" : line.substr(start);
    } else if (line.size() > 9 && strncasecmp(line.c_str(), "location:", 9) == 0) {
        auto start = line.find_first_not_of(' ', 9);
        r->location = start == std::string::npos ? "" : line.substr(start);
    }
    return size * n;
}

/// libcurl's progress callback: non-zero abandons the transfer.
int on_progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

const char* to_string(Failure kind) {
    switch (kind) {
        case Failure::unavailable:
            return "unavailable";
        case Failure::busy:
            return "busy";
        case Failure::denied:
            return "denied";
        case Failure::protocol:
            return "protocol";
    }
    return "protocol";
}

struct HttpClient::Impl {
    CURL* curl = nullptr;
    HttpOptions options;
};

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->curl = curl_easy_init();
    if (impl_->curl == nullptr) throw CalDavError(Failure::unavailable, "cannot start libcurl");
    impl_->options = std::move(options);
}

HttpClient::~HttpClient() {
    if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

HttpResponse HttpClient::request(const std::string& method, const std::string& url,
                                 const std::string& body, const std::vector<std::string>& headers) {
    CURL* c = impl_->curl;
    const HttpOptions& o = impl_->options;
    curl_easy_reset(c);
    HttpResponse r;
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (body.empty() && method != "PUT") curl_easy_setopt(c, CURLOPT_NOBODY, method == "HEAD");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // a worker thread: no SIGALRM for timeouts
    // Under 1 byte/s for stall_seconds: no progress at all (kStallSeconds says why not a total).
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o.stall_seconds);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
    if (o.cancel != nullptr) {
        // Why: stopping heraldd joins the worker; a server that stopped answering must not hold
        // the exit for the whole timeout. libcurl calls this about once a second, and at once
        // on any data.
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, o.cancel);
    }
    if (!o.username.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC | CURLAUTH_DIGEST);
        curl_easy_setopt(c, CURLOPT_USERNAME, o.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, o.password.c_str());
    }
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        std::string why = error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc);
        curl_off_t connected = 0;
        // A stall after the connection was made (a connect timeout reads as curl says it).
        if (rc == CURLE_OPERATION_TIMEDOUT &&
            curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected) == CURLE_OK && connected > 0)
            why = "nothing received from the server for " + std::to_string(o.stall_seconds) +
                  " s, the stall bound (" + why + ")";
        throw CalDavError(Failure::unavailable, method + " " + url + ": " + why);
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

}  // namespace herald::caldav
