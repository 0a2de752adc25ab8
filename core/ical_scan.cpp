#include "core/ical_scan.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <memory>

namespace herald {
namespace {

bool iequals_prefix(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    return out;
}

// Why these: a BEGIN of one of them inside an open component means its END was lost.
bool is_top_level_kind(const std::string& k) {
    return k == "VEVENT" || k == "VTODO" || k == "VJOURNAL" || k == "VFREEBUSY" ||
           k == "VTIMEZONE" || k == "VCALENDAR";
}

}  // namespace

class IcalScanner::Impl {
  public:
    Impl(std::string_view text, const IcalScanLimits& limits) : text_(text), limits_(limits) {}

    /// Scans up to `max_lines` more physical lines; true once the whole text is scanned.
    bool scan_some(size_t max_lines) {
        if (pos_ == 0 && text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
        for (size_t n = 0; n < max_lines && pos_ < text_.size(); ++n) {
            size_t nl = text_.find('\n', pos_);
            size_t end = nl == std::string_view::npos ? text_.size() : nl;
            std::string_view line = text_.substr(pos_, end - pos_);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            ++line_no_;
            line_start_ = pos_;
            line_end_ = nl == std::string_view::npos ? text_.size() : nl + 1;
            if (!line.empty() && (line[0] == ' ' || line[0] == '\t'))
                continuation(line);
            else
                content_line(line);
            pos_ = line_end_;
        }
        return pos_ >= text_.size();
    }

    /// Closes what is still open and hands over the result; call once scan_some returned true.
    IcalScan finish() {
        if (open_) {
            spoil("the file ends inside " + block_.kind + " (no END:" + block_.kind +
                  "; truncated?)");
            close_block(text_.size());
        }
        if (in_calendar_) problem(line_no_, "the file ends without END:VCALENDAR (truncated?)");
        return std::move(out_);
    }

  private:
    void problem(size_t line, std::string reason) {
        if (out_.problems.size() >= limits_.max_problems) {
            ++out_.problems_dropped;
            return;
        }
        out_.problems.push_back({line, {}, std::move(reason), {}});
    }

    void spoil(std::string reason) {
        if (open_ && block_.error.empty()) block_.error = std::move(reason);
    }

    void continuation(std::string_view line) {
        logical_len_ += line.size() - 1;
        check_length();
    }

    void check_length() {
        if (logical_len_ <= limits_.max_line || reported_long_) return;
        reported_long_ = true;
        std::string why = "line " + std::to_string(logical_line_) + " is longer than " +
                          std::to_string(limits_.max_line) + " bytes";
        if (open_)
            spoil(why);
        else
            problem(logical_line_, why + "; ignored");
    }

    void content_line(std::string_view line) {
        logical_line_ = line_no_;
        logical_len_ = line.size();
        reported_long_ = false;
        check_length();
        if (iequals_prefix(line, "BEGIN:"))
            begin(upper(line.substr(6)));
        else if (!open_ && in_calendar_ && iequals_prefix(line, "X-WR-TIMEZONE:"))
            out_.x_wr_timezone = std::string(line.substr(14));
        else if (iequals_prefix(line, "END:"))
            end(upper(line.substr(4)));
    }

    void start_block(const std::string& kind) {
        open_ = true;
        block_ = IcalBlock{kind, line_no_, {}, {}, false};
        block_start_ = line_start_;
        stack_.assign(1, kind);
        overflow_ = 0;
        block_.outside = !in_calendar_;
    }

    void close_block(size_t end_offset) {
        block_.text = text_.substr(block_start_, end_offset - block_start_);
        out_.blocks.push_back(std::move(block_));
        open_ = false;
        stack_.clear();
    }

    void begin(const std::string& kind) {
        if (!open_) {
            if (kind == "VCALENDAR") {
                if (in_calendar_) problem(line_no_, "BEGIN:VCALENDAR inside another VCALENDAR");
                in_calendar_ = out_.saw_calendar = true;
                return;
            }
            start_block(kind);
            return;
        }
        if (is_top_level_kind(kind)) {
            spoil("no END:" + stack_.front() + " before BEGIN:" + kind + " at line " +
                  std::to_string(line_no_) + " (truncated component?)");
            close_block(line_start_);
            if (kind == "VCALENDAR")
                problem(line_no_, "BEGIN:VCALENDAR inside another VCALENDAR");
            else
                start_block(kind);
            return;
        }
        if (stack_.size() >= limits_.max_depth) {
            spoil("components nested deeper than " + std::to_string(limits_.max_depth) +
                  " levels at line " + std::to_string(line_no_));
            ++overflow_;
            return;
        }
        stack_.push_back(kind);
    }

    void end(const std::string& kind) {
        if (!open_) {
            if (kind == "VCALENDAR" && in_calendar_)
                in_calendar_ = false;
            else
                problem(line_no_, "END:" + kind + " without a matching BEGIN:" + kind);
            return;
        }
        if (overflow_ > 0) {
            --overflow_;
            return;
        }
        auto it = std::find(stack_.rbegin(), stack_.rend(), kind);
        if (it == stack_.rend()) {
            if (kind == "VCALENDAR") {
                spoil("no END:" + stack_.front() + " before END:VCALENDAR at line " +
                      std::to_string(line_no_));
                close_block(line_start_);
                in_calendar_ = false;
                return;
            }
            spoil("END:" + kind + " at line " + std::to_string(line_no_) +
                  " does not match BEGIN:" + stack_.back());
            return;
        }
        if (it != stack_.rbegin())
            spoil("END:" + kind + " at line " + std::to_string(line_no_) + " closes " + kind +
                  " but BEGIN:" + stack_.back() + " is still open");
        stack_.erase(std::prev(it.base()), stack_.end());
        if (stack_.empty()) close_block(line_end_);
    }

    std::string_view text_;
    IcalScanLimits limits_;
    IcalScan out_;
    size_t pos_ = 0, line_no_ = 0, line_start_ = 0, line_end_ = 0;
    size_t logical_line_ = 0, logical_len_ = 0;
    bool reported_long_ = false;
    bool in_calendar_ = false;
    bool open_ = false;
    IcalBlock block_;
    size_t block_start_ = 0;
    std::vector<std::string> stack_;
    size_t overflow_ = 0;
};

IcalScanner::IcalScanner(std::string_view text, const IcalScanLimits& limits)
    : impl_(std::make_unique<Impl>(text, limits)) {}
IcalScanner::~IcalScanner() = default;
IcalScanner::IcalScanner(IcalScanner&&) noexcept = default;
IcalScanner& IcalScanner::operator=(IcalScanner&&) noexcept = default;

bool IcalScanner::scan_some(size_t max_lines) {
    return impl_->scan_some(max_lines);
}

IcalScan IcalScanner::finish() {
    return impl_->finish();
}

IcalScan scan_ical(std::string_view text, const IcalScanLimits& limits) {
    IcalScanner scanner(text, limits);
    while (!scanner.scan_some(std::numeric_limits<size_t>::max())) {
    }
    return scanner.finish();
}

std::string find_uid(std::string_view t) {
    size_t pos = 0;
    while (pos < t.size()) {
        size_t nl = t.find('\n', pos);
        size_t end = nl == std::string_view::npos ? t.size() : nl;
        std::string_view line = t.substr(pos, end - pos);
        if (iequals_prefix(line, "UID:") || iequals_prefix(line, "UID;")) {
            std::string uid(line.substr(line.find(':') + 1));
            // Unfold continuation lines; UIDs are short, so cap what we collect.
            while (nl != std::string_view::npos && nl + 1 < t.size() &&
                   (t[nl + 1] == ' ' || t[nl + 1] == '\t') && uid.size() < 1024) {
                size_t next = t.find('\n', nl + 1);
                size_t stop = next == std::string_view::npos ? t.size() : next;
                uid += t.substr(nl + 2, stop - nl - 2);
                nl = next;
            }
            std::erase(uid, '\r');
            while (!uid.empty() && uid.back() == ' ') uid.pop_back();
            if (uid.size() > 255) uid = uid.substr(0, 255);
            return uid;
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return {};
}

}  // namespace herald
