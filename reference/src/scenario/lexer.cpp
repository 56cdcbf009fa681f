// The lexer of the scenario language (spec/scenario-language.md, "Lexical structure"): tokens,
// significant line ends, header lines, JSON strings and JavaScript-safe integers.
#include "lexer.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "failure.h"

namespace acx::scenario::detail {

namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    bool line_start = true;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        if (!out.empty() && out.back().kind != Tok::Newline) out.push_back(token(Tok::Newline, "\\n"));
        advance();
        line_start = true;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        advance();
        continue;
      }
      if (c == '/' && peek(1) == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n') advance();
        continue;
      }
      if (c == '@' && line_start) {
        out.push_back(header());
        continue;
      }
      line_start = false;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
        out.push_back(identifier());
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '-' && std::isdigit(static_cast<unsigned char>(peek(1))))) {
        out.push_back(number());
      } else if (c == '"') {
        out.push_back(string());
      } else if (std::string_view("(){},.=:").find(c) != std::string_view::npos) {
        out.push_back(token(Tok::Punct, std::string(1, c)));
        advance();
      } else {
        throw Failure{here(), fmt::format("unexpected character '{}'", c)};
      }
    }
    if (!out.empty() && out.back().kind != Tok::Newline) out.push_back(token(Tok::Newline, "\\n"));
    out.push_back(token(Tok::End, "end of file"));
    return out;
  }

 private:
  char peek(std::size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }
  Location here() const { return {line_, column_}; }
  Token token(Tok kind, std::string text) const { return Token{kind, std::move(text), {}, 0, here()}; }

  Token header() {
    Token t = token(Tok::Header, "");
    advance();  // '@'
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-'))
      t.text += text_[pos_], advance();
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) advance();
    while (pos_ < text_.size() && text_[pos_] != '\n') t.rest += text_[pos_], advance();
    while (!t.rest.empty() && std::isspace(static_cast<unsigned char>(t.rest.back()))) t.rest.pop_back();
    return t;
  }

  Token identifier() {
    Token t = token(Tok::Ident, "");
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '_' || text_[pos_] == '$'))
      t.text += text_[pos_], advance();
    return t;
  }

  Token number() {
    Token t = token(Tok::Number, "");
    if (text_[pos_] == '-') t.text += '-', advance();
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))
      t.text += text_[pos_], advance();
    // Integers must be exact in JavaScript, whose numbers are doubles: |n| <= 2^53 - 1.
    constexpr std::int64_t kMaxSafe = (std::int64_t{1} << 53) - 1;
    if (t.text.size() > 17 || std::llabs(std::stoll(t.text)) > kMaxSafe)
      throw Failure{t.location, "integer literal outside JavaScript's safe range (|n| <= 2^53 - 1)"};
    t.number = std::stoll(t.text);
    return t;
  }

  // \uXXXX (as JSON writes control characters), appended as UTF-8.
  std::string unicode_escape(Location at) {
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[pos_])))
        throw Failure{at, "\\u needs four hexadecimal digits"};
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text_[pos_])));
      code = code * 16 +
             static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
      advance();
    }
    if (code >= 0xD800 && code <= 0xDFFF) throw Failure{at, "surrogate \\u escapes are not supported"};
    std::string out;
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return out;
  }

  Token string() {
    Token t = token(Tok::String, "");
    advance();  // opening quote
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') throw Failure{t.location, "unterminated string"};
      char c = text_[pos_];
      if (c == '"') {
        advance();
        if (!valid_utf8(t.text)) throw Failure{t.location, "string is not valid UTF-8"};
        return t;
      }
      if (c == '\\') {
        const Location at = here();
        advance();
        if (pos_ >= text_.size()) throw Failure{at, "unterminated string"};
        char e = text_[pos_];
        advance();
        switch (e) {
          case '"':
            t.text += '"';
            break;
          case '\\':
            t.text += '\\';
            break;
          case '/':
            t.text += '/';
            break;
          case 'n':
            t.text += '\n';
            break;
          case 't':
            t.text += '\t';
            break;
          case 'r':
            t.text += '\r';
            break;
          case 'b':
            t.text += '\b';
            break;
          case 'f':
            t.text += '\f';
            break;
          case 'u':
            t.text += unicode_escape(at);
            break;
          default:
            throw Failure{at, fmt::format("unknown escape '\\{}' (strings are JSON strings)", e)};
        }
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) throw Failure{here(), "control character in string"};
      t.text += c;
      advance();
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace

std::vector<Token> lex(std::string_view text) {
  return Lexer(text).run();
}

}  // namespace acx::scenario::detail
