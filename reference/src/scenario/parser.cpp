// Recursive-descent parser for the scenario language. The grammar is in spec/scenario-language.md;
// the operations it accepts come from the table in ops.cpp.
#include "acx/scenario/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "acx/scenario/ops.h"

namespace acx::scenario {

std::string ParseError::to_string() const {
  return fmt::format("{}:{}:{}: {}", file, location.line, location.column, message);
}

namespace {

enum class Tok { Ident, Number, String, Punct, Newline, End, Header };

struct Token {
  Tok kind;
  std::string text;  // identifier, punctuation char, string contents, header key
  std::string rest;  // header lines: the text after the key
  std::int64_t number = 0;
  Location location;
};

struct Failure {
  Location location;
  std::string message;
};

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

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Scenario run() {
    Scenario s;
    skip_newlines();
    while (at().kind == Tok::Header) {
      header_line(s.header, take());
      skip_newlines();
    }
    s.body = block_body(/*top_level=*/true);
    return s;
  }

 private:
  const Token& at() const { return tokens_[pos_]; }
  const Token& ahead(std::size_t n) const { return tokens_[std::min(pos_ + n, tokens_.size() - 1)]; }
  Token take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool is_punct(char c) const { return at().kind == Tok::Punct && at().text[0] == c; }
  void skip_newlines() {
    while (at().kind == Tok::Newline) ++pos_;
  }
  [[noreturn]] void fail(const Token& t, std::string message) const { throw Failure{t.location, message}; }
  void expect_punct(char c, std::string_view what) {
    if (!is_punct(c)) fail(at(), fmt::format("expected '{}' {}, found {}", c, what, describe(at())));
    ++pos_;
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::Newline:
        return "end of line";
      case Tok::End:
        return "end of file";
      case Tok::String:
        return fmt::format("string \"{}\"", t.text);
      case Tok::Header:
        return fmt::format("header line '@{}' (headers come before statements)", t.text);
      default:
        return fmt::format("'{}'", t.text);
    }
  }

  void header_line(Header& h, const Token& t) {
    auto words = [&] {
      std::vector<std::string> out;
      std::istringstream in(t.rest);
      for (std::string w; in >> w;) out.push_back(w);
      return out;
    };
    if (t.text == "id") {
      if (t.rest.empty() || t.rest.find(' ') != std::string::npos) fail(t, "@id takes one word");
      h.id = t.rest;
    } else if (t.text == "title") {
      h.title = t.rest;
    } else if (t.text == "rules") {
      for (auto& w : words()) h.rules.push_back(w);
    } else if (t.text == "requires") {
      for (auto& w : words()) h.requires_.push_back(w);
    } else if (t.text == "note") {
      h.notes.push_back(t.rest);
    } else {
      fail(t, fmt::format("unknown header '@{}' (known: @id @title @rules @requires @note)", t.text));
    }
  }

  // Statements until '}' (nested) or end of file (top level).
  Block block_body(bool top_level) {
    Block body;
    while (true) {
      skip_newlines();
      if (at().kind == Tok::End) {
        if (!top_level) fail(at(), "missing '}' before end of file");
        return body;
      }
      if (is_punct('}')) {
        if (top_level) fail(at(), "'}' without a matching '{'");
        return body;
      }
      body.push_back(statement());
    }
  }

  Statement statement() {
    Statement st;
    st.location = at().location;
    if (at().kind == Tok::Ident && at().text == "let") {
      ++pos_;
      if (at().kind != Tok::Ident)
        fail(at(), fmt::format("expected a name after 'let', found {}", describe(at())));
      st.binding = take().text;
      expect_punct('=', "after the bound name");
    }
    if (at().kind != Tok::Ident) fail(at(), fmt::format("expected a statement, found {}", describe(at())));
    const Token first = take();
    std::string spelling = first.text;
    if (first.text == "new") {
      if (at().kind != Tok::Ident) fail(at(), "expected a constructor name after 'new'");
      spelling = "new " + take().text;
    } else if (first.text == "async" && at().kind == Tok::Ident && at().text == "function") {
      ++pos_;
      spelling = "async function";
    } else if (is_punct('.')) {
      ++pos_;
      if (at().kind != Tok::Ident) fail(at(), "expected a method name after '.'");
      const Token method = take();
      if (first.text == "Promise" || first.text == "process" || first.text == "AsyncLocalStorage" ||
          first.text == "AsyncResource") {
        spelling = first.text + "." + method.text;
      } else {
        st.receiver = first.text;
        spelling = method.text;
      }
    }
    // process.nextTick is accepted as a synonym of nextTick; the printer writes nextTick.
    if (spelling == "process.nextTick") spelling = "nextTick";
    const OpSpec* spec = nullptr;
    for (const auto& candidate : all_ops()) {
      if (candidate.spelling == spelling && (candidate.receiver != Kind::None) == !st.receiver.empty()) {
        spec = &candidate;
        break;
      }
    }
    // `f()` calls the function bound to f.
    if (!spec && st.receiver.empty() && is_punct('(') && ahead(1).kind == Tok::Punct &&
        ahead(1).text == ")") {
      st.receiver = first.text;
      spec = &spec_of(Op::Call);
    }
    if (!spec) {
      fail(first, st.receiver.empty() ? fmt::format("unknown operation '{}'", spelling)
                                      : fmt::format("unknown method '{}' (on '{}')", spelling, st.receiver));
    }
    st.op = spec->op;
    if (is_punct('(')) {
      ++pos_;
      if (!is_punct(')')) {
        st.args.push_back(value());
        while (is_punct(',')) {
          ++pos_;
          st.args.push_back(value());
        }
      }
      expect_punct(')', "to close the argument list");
    }
    // Blocks: the first one is unlabelled unless the operation's first label is not empty
    // (createHook's callback bodies); the others carry their label. Optional ones may be left out;
    // the order is fixed.
    const bool labelled_first = !spec->blocks.empty() && !spec->blocks[0].empty();
    std::size_t next_label = 0;
    if (is_punct('{') && !labelled_first) {
      st.blocks.push_back(braced_block());
      st.labels.push_back("");
      next_label = 1;
    }
    if (!st.blocks.empty() || labelled_first) {
      while (at().kind == Tok::Ident && ahead(1).kind == Tok::Punct && ahead(1).text == "{") {
        const Token label = take();
        const auto& labels = spec->blocks;
        while (next_label < labels.size() && labels[next_label] != label.text) ++next_label;
        if (next_label >= labels.size())
          fail(label, fmt::format("unexpected block label '{}' for {}", label.text, spelling));
        ++next_label;
        st.blocks.push_back(braced_block());
        st.labels.push_back(label.text);
      }
    }
    if (at().kind != Tok::Newline && at().kind != Tok::End)
      fail(at(), fmt::format("expected end of line after the statement, found {}", describe(at())));
    return st;
  }

  Block braced_block() {
    const Token open = take();  // '{'
    if (at().kind != Tok::Newline) fail(at(), "a block's '{' must end its line");
    Block b = block_body(false);
    if (!is_punct('}')) fail(open, "unclosed block");
    ++pos_;
    return b;
  }

  Value value() {
    if (is_punct('{')) return object();
    const Token t = take();
    switch (t.kind) {
      case Tok::Number:
        return Value::of(t.number);
      case Tok::String:
        return Value::string(t.text);
      case Tok::Ident:
        if (t.text == "undefined") return Value::undefined();
        if (t.text == "null") return Value::null();
        if (t.text == "true") return Value::of(true);
        if (t.text == "false") return Value::of(false);
        return Value::name(t.text);
      default:
        fail(t, fmt::format("expected a value, found {}", describe(t)));
    }
  }

  // {key: value, ...}: only AsyncResource options use it.
  Value object() {
    ++pos_;  // '{'
    Value v;
    v.kind = Value::Kind::Object;
    while (!is_punct('}')) {
      if (at().kind != Tok::Ident)
        fail(at(), fmt::format("expected a property name, found {}", describe(at())));
      v.keys.push_back(take().text);
      expect_punct(':', "after a property name");
      v.fields.push_back(value());
      if (!is_punct(',')) break;
      ++pos_;
    }
    expect_punct('}', "to close the object");
    return v;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

// ---- checking -------------------------------------------------------------------------------

class Checker {
 public:
  void run(const Scenario& s) {
    scopes_.push_back(Scope{{}, {}, Context::TopLevel});
    block(s.body);
  }

 private:
  struct Binding {
    Kind kind;
    bool resolvable;     // a `new Promise` whose resolve function is kept
    bool resolver_only;  // inside its own executor only `NAME.resolve` may be used (the promise
                         // object does not exist yet in JavaScript)
  };

  [[noreturn]] static void fail(const Statement& st, std::string message) {
    throw Failure{st.location, std::move(message)};
  }

  enum class Context;
  struct Scope {
    std::map<std::string, Binding> bound;  // bound by statements already checked
    std::map<std::string, Binding> later;  // bound further down this block: visible to callbacks
    Context context;
    bool in_catch = false;   // a catch block (or a try nested in one): observeError may be used
    std::string thenable;    // the thenable whose then() this block is (or a try block inside it)
    bool hook_body = false;  // a createHook callback body
  };

  // Lexical scoping with one JavaScript twist: a callback (a nested block) may name something its
  // enclosing blocks bind after it, since the callback runs later (spec/scenario-language.md).
  const Binding* lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (auto found = it->bound.find(name); found != it->bound.end()) return &found->second;
      if (it != scopes_.rbegin())
        if (auto found = it->later.find(name); found != it->later.end()) return &found->second;
    }
    return nullptr;
  }

  void block(const Block& b) {
    for (const auto& st : b)
      if (!st.binding.empty())
        scopes_.back().later[st.binding] = Binding{declared_kind(st), st.op == Op::NewPromise, false};
    for (const auto& st : b) statement(st);
  }

  // What kind of code a block is: the top level, a callback (a function), or an async function
  // body, where `await` may appear; try/catch/finally blocks keep their enclosing context.
  enum class Context { TopLevel, Function, Async };

  void statement(const Statement& st) {
    const OpSpec& spec = spec_of(st.op);
    if (spec.receiver != Kind::None) receiver(st, spec);
    arguments(st, spec);
    if (st.blocks.size() < spec.required_blocks || st.blocks.size() > spec.blocks.size())
      fail(st, fmt::format("{} takes {} block(s), found {}", spec.spelling,
                           spec.required_blocks == spec.blocks.size()
                               ? fmt::format("{}", spec.blocks.size())
                               : fmt::format("{} to {}", spec.required_blocks, spec.blocks.size()),
                           st.blocks.size()));
    if (st.labels.size() != st.blocks.size() ||
        (!st.labels.empty() && !st.labels[0].empty() && (spec.blocks.empty() || spec.blocks[0].empty())))
      fail(st, "internal: block labels do not match the blocks");
    const Context context = scopes_.back().context;
    if (st.op == Op::Await && context != Context::Async)
      fail(st, "await is only allowed in the body of an async function (and its try blocks)");
    if (st.op == Op::Return && context == Context::TopLevel)
      fail(st, "return is only allowed inside a function or callback");
    if (scopes_.back().hook_body && st.op != Op::HookEnable && st.op != Op::HookDisable && st.op != Op::Throw)
      fail(st, "a hook callback body may only enable or disable hooks, or throw");
    if (st.op == Op::CreateHook)
      for (const auto& label : st.labels)
        if (std::none_of(st.args.begin(), st.args.end(), [&](const Value& v) { return v.text == label; }))
          fail(st, fmt::format("a body for '{}' needs '{}' in the callback list", label, label));
    if (st.op == Op::ObserveError && !scopes_.back().in_catch)
      fail(st, "observeError is only allowed in a catch block");
    if (st.op == Op::On && st.blocks.empty() == (st.args.size() < 2))
      fail(st, "on takes either a listener block or the name of a function, not both or neither");
    if (st.op == Op::On && st.args[0].text == "newListener")
      fail(st, "'newListener' listeners are not part of the language");
    const bool must_bind = spec.result == Kind::Hook || spec.result == Kind::Als || st.op == Op::NewPromise ||
                           spec.result == Kind::Function || spec.result == Kind::AsyncFunction ||
                           spec.result == Kind::Thenable;
    if (st.binding.empty() && must_bind)
      fail(st, fmt::format("{} must be bound with `let NAME =`", spec.spelling));
    Kind result = spec.result;
    if (st.op == Op::Function) result = Kind::Function;
    if (st.op == Op::Call)
      result = lookup(st.receiver)->kind == Kind::AsyncFunction ? Kind::Promise : Kind::None;
    if (!st.binding.empty()) {
      if (result == Kind::None)
        fail(st, fmt::format("{} has no result to bind",
                             st.op == Op::Call ? "calling a function" : spec.spelling));
      if (all_names_.contains(st.binding))
        fail(st, fmt::format("'{}' is already bound (names are unique in a scenario)", st.binding));
      if (is_reserved(st.binding)) fail(st, fmt::format("'{}' is a reserved word", st.binding));
      all_names_.insert(st.binding);
    }
    const Binding self{result, st.op == Op::NewPromise, false};
    // The executor of `new Promise` and the block of a thenable may call the resolve and reject
    // functions they are given, so the name is in scope (for that only) inside the block; every
    // other binding becomes visible after its statement.
    const bool own_block = st.op == Op::NewPromise || st.op == Op::Thenable;
    if (own_block) scopes_.back().bound[st.binding] = Binding{result, true, true};
    for (std::size_t i = 0; i < st.blocks.size(); ++i) {
      Context inner = Context::Function;
      if (st.op == Op::AsyncFunction) inner = Context::Async;
      if (st.op == Op::Try) inner = context;  // try/catch/finally run inline
      const bool in_catch = st.op == Op::Try && (st.labels[i] == "catch" || scopes_.back().in_catch);
      const std::string thenable = st.op == Op::Thenable ? st.binding
                                   : st.op == Op::Try    ? scopes_.back().thenable
                                                         : "";
      scopes_.push_back(Scope{{}, {}, inner, in_catch, thenable, st.op == Op::CreateHook});
      block(st.blocks[i]);
      scopes_.pop_back();
    }
    if (own_block) scopes_.back().bound.erase(st.binding);
    if (!st.binding.empty()) scopes_.back().bound[st.binding] = self;
  }

  void receiver(const Statement& st, const OpSpec& spec) {
    const Binding* r = lookup(st.receiver);
    if (!r) fail(st, fmt::format("'{}' is not bound here", st.receiver));
    const bool settles = st.op == Op::Resolve || st.op == Op::Reject;
    if (r->resolver_only && !settles)
      fail(st, fmt::format("inside its own block, '{}' can only be resolved or rejected", st.receiver));
    if (st.op == Op::Call) {
      if (r->kind != Kind::Function && r->kind != Kind::AsyncFunction && r->kind != Kind::BoundFunction)
        fail(st, fmt::format("'{}' is {}, not a function", st.receiver, a(r->kind)));
      return;
    }
    if (settles && r->kind == Kind::Thenable) {
      // The resolve/reject functions are then()'s parameters: usable while then() runs, not from
      // callbacks it schedules.
      if (!r->resolver_only || scopes_.back().thenable != st.receiver)
        fail(st, fmt::format("'{}' can only be resolved or rejected directly in its own block", st.receiver));
      return;
    }
    if (r->kind != spec.receiver)
      fail(st, fmt::format("'{}' is {}, but {} needs {}", st.receiver, a(r->kind), spec.spelling,
                           a(spec.receiver)));
    if (settles && !r->resolvable)
      fail(st, fmt::format("'{}' has no kept resolve and reject functions (only `new Promise` keeps them)",
                           st.receiver));
  }

  Kind declared_kind(const Statement& st) const {
    if (st.op != Op::Call) return spec_of(st.op).result;
    const Binding* f = lookup(st.receiver);
    return f && f->kind == Kind::AsyncFunction ? Kind::Promise : Kind::None;
  }

  static std::string a(Kind kind) {
    const std::string_view name = kind_name(kind);
    return std::string(std::string_view("AEIOUaeiou").find(name[0]) != std::string_view::npos ? "an "
                                                                                              : "a ") +
           std::string(name);
  }

  static bool is_reserved(const std::string& name) {
    static const std::set<std::string> words = {"let",
                                                "new",
                                                "undefined",
                                                "null",
                                                "true",
                                                "false",
                                                "Promise",
                                                "process",
                                                "observe",
                                                "async",
                                                "await",
                                                "function",
                                                "throw",
                                                "return",
                                                "thenable",
                                                "try",
                                                "catch",
                                                "finally",
                                                "AsyncLocalStorage",
                                                "AsyncResource",
                                                "EventEmitter",
                                                "observeResource",
                                                "observeError"};
    return words.contains(name);
  }

  void arguments(const Statement& st, const OpSpec& spec) {
    const bool variadic = !spec.args.empty() &&
                          (spec.args.back() == Arg::HookCallbacks || spec.args.back() == Arg::PromiseName);
    if (st.args.size() < spec.required_args || (!variadic && st.args.size() > spec.args.size()))
      fail(st, fmt::format("{} takes {} argument(s), found {}", spec.spelling,
                           spec.required_args == spec.args.size()
                               ? fmt::format("{}", spec.args.size())
                               : fmt::format("{} to {}", spec.required_args, spec.args.size()),
                           st.args.size()));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < st.args.size(); ++i) {
      const Value& v = st.args[i];
      const Arg kind = spec.args[std::min(i, spec.args.size() - 1)];
      switch (kind) {
        case Arg::Literal:
          if (v.kind == Value::Kind::Name || v.kind == Value::Kind::Object)
            fail(st, fmt::format("expected a literal, found name '{}'", v.text));
          break;
        case Arg::Label:
          if (v.kind != Value::Kind::String) fail(st, "expected a string label");
          break;
        case Arg::Milliseconds:
          if (v.kind != Value::Kind::Number || v.number < 0)
            fail(st, "expected a non-negative integer number of milliseconds");
          break;
        case Arg::HookCallbacks: {
          const auto names = hook_callback_names();
          if (v.kind != Value::Kind::Name || std::find(names.begin(), names.end(), v.text) == names.end())
            fail(st,
                 fmt::format("expected a hook callback name (init, before, after, destroy, promiseResolve), "
                             "found {}",
                             to_literal(v)));
          if (!seen.insert(v.text).second) fail(st, fmt::format("hook callback '{}' listed twice", v.text));
          break;
        }
        case Arg::AnyLiteral:
          if (v.kind == Value::Kind::Name || v.kind == Value::Kind::Object)
            fail(st, fmt::format("expected a literal, found {}", to_literal(v)));
          break;
        case Arg::ResourceOptions:
          if (v.kind == Value::Kind::Name)
            fail(st, "expected a trigger id or {triggerAsyncId: N, requireManualDestroy: B}");
          for (std::size_t k = 0; k < v.keys.size(); ++k) {
            if (v.keys[k] != "triggerAsyncId" && v.keys[k] != "requireManualDestroy")
              fail(st, fmt::format("unknown AsyncResource option '{}'", v.keys[k]));
            if (v.fields[k].kind == Value::Kind::Name || v.fields[k].kind == Value::Kind::Object)
              fail(st, "AsyncResource options take literals");
          }
          break;
        case Arg::Callable:
        case Arg::ResourceName:
        case Arg::PromiseName: {
          if (v.kind != Value::Kind::Name) fail(st, "expected a name");
          const Binding* b = lookup(v.text);
          if (!b) fail(st, fmt::format("'{}' is not bound here", v.text));
          const bool ok = kind == Arg::Callable
                              ? (b->kind == Kind::Function || b->kind == Kind::BoundFunction)
                          : kind == Arg::ResourceName ? b->kind == Kind::Resource
                                                      : b->kind == Kind::Promise && !b->resolver_only;
          if (!ok)
            fail(st, fmt::format("'{}' is {}, not {}", v.text, a(b->kind),
                                 kind == Arg::Callable       ? "a (non-async) function"
                                 : kind == Arg::ResourceName ? "an AsyncResource"
                                                             : "a promise"));
          break;
        }
        case Arg::ProcessEvent:
          if (v.kind != Value::Kind::String ||
              (v.text != "unhandledRejection" && v.text != "uncaughtException"))
            fail(st, "process.on takes \"unhandledRejection\" or \"uncaughtException\"");
          break;
        case Arg::TimerName:
        case Arg::ImmediateName: {
          const Kind want = kind == Arg::TimerName ? Kind::Timer : Kind::Immediate;
          if (v.kind != Value::Kind::Name) fail(st, fmt::format("expected the name of {}", a(want)));
          const Binding* b = lookup(v.text);
          if (!b) fail(st, fmt::format("'{}' is not bound here", v.text));
          if (b->kind != want) fail(st, fmt::format("'{}' is {}, not {}", v.text, a(b->kind), a(want)));
          break;
        }
        case Arg::Settlement:
          if (v.kind == Value::Kind::Object) fail(st, "object literals are only AsyncResource options");
          if (v.kind == Value::Kind::Name) {
            const Binding* b = lookup(v.text);
            if (!b) fail(st, fmt::format("'{}' is not bound here", v.text));
            if (b->resolver_only)
              fail(st, fmt::format("inside its own block, '{}' can only be resolved or rejected", v.text));
            if (b->kind != Kind::Promise && b->kind != Kind::Thenable)
              fail(st, fmt::format("'{}' is neither a promise nor a thenable", v.text));
            if (st.op == Op::Resolve && v.text == st.receiver)
              fail(st,
                   fmt::format("'{}' cannot be resolved with itself (JavaScript rejects it with a TypeError)",
                               v.text));
          }
          break;
      }
    }
  }

  std::vector<Scope> scopes_;
  std::set<std::string> all_names_;
};

}  // namespace

namespace {
void collect_slots(const Block& block, std::map<std::string, int>& slots, Scenario::Declarations& decls) {
  for (const auto& st : block) {
    if (st.op == Op::CreateHook || st.op == Op::NewAls) decls.statements.push_back(&st);
    if (!st.binding.empty()) {
      auto [it, inserted] = slots.try_emplace(st.binding, static_cast<int>(slots.size()));
      if (inserted) decls.slot_names.push_back(st.binding);  // a view of the AST's own string
      st.binding_slot.index = it->second;
    }
    for (const auto& b : st.blocks) collect_slots(b, slots, decls);
  }
}
void fill_slots(const Block& block, const std::map<std::string, int>& slots) {
  const auto slot_of = [&](const std::string& name) {
    auto it = slots.find(name);
    return it == slots.end() ? -1 : it->second;
  };
  for (const auto& st : block) {
    if (!st.receiver.empty()) st.receiver_slot.index = slot_of(st.receiver);
    for (const auto& v : st.args)
      if (v.kind == Value::Kind::Name) v.slot.index = slot_of(v.text);
    for (const auto& b : st.blocks) fill_slots(b, slots);
  }
}
}  // namespace

void assign_slots(const Scenario& scenario) {
  std::map<std::string, int> slots;
  scenario.declarations.statements.clear();
  scenario.declarations.slot_names.clear();
  collect_slots(scenario.body, slots, scenario.declarations);
  fill_slots(scenario.body, slots);
  scenario.slot_count.index = static_cast<int>(slots.size());

  scenario.declarations.valid = true;
}

std::optional<ParseError> check(const Scenario& scenario, std::string_view file) {
  try {
    Checker{}.run(scenario);
  } catch (const Failure& f) {
    return ParseError{std::string(file), f.location, f.message};
  }
  assign_slots(scenario);
  return std::nullopt;
}

namespace {

// Methods share names across kinds (hook.disable and als.disable, als.run and snapshot.run): the
// parser takes the first, and this pass picks the one whose receiver kind the bound name has.
void resolve_methods(Block& block, std::map<std::string, Kind>& kinds) {
  for (auto& st : block) {
    if (!st.binding.empty() && st.op != Op::Call) kinds[st.binding] = spec_of(st.op).result;
    if (st.op == Op::Function) kinds[st.binding] = Kind::Function;
  }
  for (auto& st : block) {
    if (!st.receiver.empty() && st.op != Op::Call) {
      auto kind = kinds.find(st.receiver);
      if (kind != kinds.end() && spec_of(st.op).receiver != kind->second) {
        for (const auto& candidate : all_ops())
          if (candidate.spelling == spec_of(st.op).spelling && candidate.receiver == kind->second)
            st.op = candidate.op;
      }
    }
    for (auto& b : st.blocks) resolve_methods(b, kinds);
  }
}

}  // namespace

ParseResult parse(std::string_view text, std::string_view file) {
  try {
    Scenario s = Parser(Lexer(text).run()).run();
    std::map<std::string, Kind> kinds;
    resolve_methods(s.body, kinds);
    if (auto error = check(s, file)) return *error;
    return s;
  } catch (const Failure& f) {
    return ParseError{std::string(file), f.location, f.message};
  }
}

ParseResult parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ParseError{path, {}, "cannot read file"};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path);
}

}  // namespace acx::scenario
