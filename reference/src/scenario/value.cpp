#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "acx/scenario/ast.h"

namespace acx::scenario {

std::string to_literal(const Value& value) {
  switch (value.kind) {
    case Value::Kind::Undefined:
      return "undefined";
    case Value::Kind::Null:
      return "null";
    case Value::Kind::Boolean:
      return value.boolean ? "true" : "false";
    case Value::Kind::Number:
      return fmt::format("{}", value.number);
    // JSON string escaping is what JavaScript's JSON.stringify produces, so the literal a backend
    // prints for a store value is byte-for-byte the literal the model predicts.
    case Value::Kind::String:
      return nlohmann::json(value.text).dump();
    case Value::Kind::Object: {
      std::string out = "{";
      for (std::size_t i = 0; i < value.keys.size(); ++i)
        out += fmt::format("{}{}: {}", i ? ", " : "", value.keys[i], to_literal(value.fields[i]));
      return out + "}";
    }
    case Value::Kind::Name:
      return value.text;
  }
  return "?";
}

}  // namespace acx::scenario
