#include "acx/trace/jsonl.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace acx::trace {

using nlohmann::json;

std::string TraceError::to_string() const {
  return fmt::format("{}:{}: {}{}", source, line, message, text.empty() ? "" : fmt::format("\n  | {}", text));
}

namespace {

struct Bad {
  std::string message;
};

const json& field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) throw Bad{fmt::format("missing field \"{}\"", name)};
  return *it;
}

AsyncId id_field(const json& object, const char* name) {
  const json& v = field(object, name);
  if (!v.is_number_integer()) throw Bad{fmt::format("field \"{}\" must be an integer", name)};
  return v.get<AsyncId>();
}

std::string string_field(const json& object, const char* name) {
  const json& v = field(object, name);
  if (!v.is_string()) throw Bad{fmt::format("field \"{}\" must be a string", name)};
  return v.get<std::string>();
}

Event parse_event(const json& j) {
  const std::string name = string_field(j, "event");
  const auto kind = kind_from_name(name);
  if (!kind) throw Bad{fmt::format("unknown event \"{}\"", name)};
  Event e;
  e.kind = *kind;
  if (e.kind == EventKind::Exit) {
    const json& code = field(j, "code");
    if (!code.is_number_integer()) throw Bad{"field \"code\" must be an integer"};
    e.code = code.get<std::int64_t>();
    return e;
  }
  if (e.kind == EventKind::Resource) {
    e.label = string_field(j, "label");
    e.id = id_field(j, "id");
    e.trigger = id_field(j, "trigger");
    return e;
  }
  if (e.kind == EventKind::Observe) {
    e.label = string_field(j, "label");
    if (j.contains("error")) e.error = string_field(j, "error");
    if (j.contains("resource")) e.resource = string_field(j, "resource");
    e.eid = id_field(j, "eid");
    e.tid = id_field(j, "tid");
    const json& stores = field(j, "stores");
    if (!stores.is_array()) throw Bad{"field \"stores\" must be an array of [name, literal] pairs"};
    for (const auto& pair : stores) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
        throw Bad{"each store must be a [name, literal] pair of strings"};
      e.stores.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
    return e;
  }
  e.hook = string_field(j, "hook");
  e.id = id_field(j, "id");
  if (e.kind == EventKind::Init) {
    e.type = string_field(j, "type");
    e.trigger = id_field(j, "trigger");
    e.eid = id_field(j, "eid");
  }
  return e;
}

std::string shorten(std::string_view line) {
  if (line.size() <= 160) return std::string(line);
  return std::string(line.substr(0, 157)) + "...";
}

}  // namespace

TraceResult read_jsonl(std::string_view text, std::string_view source) {
  Trace trace;
  int line_number = 0;
  bool first = true;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      if (end == text.size()) break;
      continue;
    }
    try {
      json j;
      try {
        j = json::parse(line);
      } catch (const json::parse_error& e) {
        throw Bad{fmt::format("not JSON ({})", e.what())};
      }
      if (!j.is_object()) throw Bad{"a trace line must be a JSON object"};
      if (first && j.value("event", "") == "meta") {
        trace.meta.backend = j.value("backend", "");
        trace.meta.runtime = j.value("runtime", "");
        trace.meta.root = id_field(j, "root");
        if (j.contains("root_trigger")) trace.meta.root_trigger = id_field(j, "root_trigger");
      } else {
        trace.events.push_back(parse_event(j));
      }
      first = false;
    } catch (const Bad& bad) {
      return TraceError{std::string(source), line_number, bad.message, shorten(line)};
    }
    if (end == text.size()) break;
  }
  return trace;
}

std::string to_json_line(const Event& e) {
  // ordered_json keeps the field order of spec/trace-format.md, which makes traces easy to read.
  nlohmann::ordered_json j;
  j["event"] = kind_name(e.kind);
  if (e.kind == EventKind::Exit) {
    j["code"] = e.code;
  } else if (e.kind == EventKind::Resource) {
    j["label"] = e.label;
    j["id"] = e.id;
    j["trigger"] = e.trigger;
  } else if (e.kind == EventKind::Observe) {
    if (e.error) j["error"] = *e.error;
    if (e.resource) j["resource"] = *e.resource;
    j["label"] = e.label;
    j["eid"] = e.eid;
    j["tid"] = e.tid;
    j["stores"] = nlohmann::ordered_json::array();
    for (const auto& [name, literal] : e.stores) j["stores"].push_back({name, literal});
  } else {
    j["hook"] = e.hook;
    j["id"] = e.id;
    if (e.kind == EventKind::Init) {
      j["type"] = e.type;
      j["trigger"] = e.trigger;
      j["eid"] = e.eid;
    }
  }
  return j.dump();
}

std::string to_json_line(const Meta& m) {
  nlohmann::ordered_json j{
      {"event", "meta"}, {"backend", m.backend}, {"runtime", m.runtime}, {"root", m.root}};
  if (m.root_trigger != 0) j["root_trigger"] = m.root_trigger;
  return j.dump();
}

std::string write_jsonl(const Trace& trace) {
  std::string out = to_json_line(trace.meta) + "\n";
  for (const auto& e : trace.events) out += to_json_line(e) + "\n";
  return out;
}

}  // namespace acx::trace
