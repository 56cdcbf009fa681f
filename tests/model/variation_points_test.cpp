// The table of variation points (acx/model/variation_points.h) against everything else that spells a
// point: spec/variation-points.md, the rule headings of the chapters, and every models/*.json. Each
// check also runs on a mutated copy of the repository's files, so that none of them can pass by
// finding nothing.
#define BOOST_TEST_MODULE variation_points
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "acx/model/variation_points.h"

using namespace acx;
namespace fs = std::filesystem;

namespace {

const fs::path kSpecDir = ACX_SOURCE_DIR "/spec";
const fs::path kModelsDir = ACX_SOURCE_DIR "/models";
const char* const kSpecFile = "variation-points.md";

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trimmed(const std::string& s) {
  const auto begin = s.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(' ') - begin + 1);
}

/// The cells of a Markdown table row "| a | b |".
std::vector<std::string> cells_of(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|') {
      cells.push_back(trimmed(cell));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return cells;
}

/// The backticked words a cell starts with, separated by ", ": "`a`, `b` (note)" gives {a, b}.
std::vector<std::string> leading_code(const std::string& cell) {
  static const std::regex word(R"(^`([^`]+)`(, )?)");
  std::vector<std::string> words;
  std::smatch m;
  for (std::string rest = cell; std::regex_search(rest, m, word); rest = m.suffix().str()) {
    words.push_back(m[1]);
    if (!m[2].matched) break;
  }
  return words;
}

/// The "Values" cell of a point's row in spec/variation-points.md: the table's meanings.
std::string values_cell(const model::VariationPoint& point) {
  std::string cell;
  for (const auto& v : point.values)
    cell += (cell.empty() ? "" : "; ") + ("`" + std::string(v.json) + "`: " + std::string(v.meaning));
  return cell;
}

/// The value each profile gives each point, straight from models/*.json: profile -> point -> value.
std::map<std::string, std::map<std::string, std::string>> profile_values(const fs::path& models_dir) {
  std::map<std::string, std::map<std::string, std::string>> values;
  for (const auto& entry : fs::directory_iterator(models_dir)) {
    if (entry.path().extension() != ".json") continue;
    const auto j = nlohmann::json::parse(read_text(entry.path()), nullptr, false);
    if (!j.is_object() || !j.contains("variation_points") || !j["variation_points"].is_object()) continue;
    for (const auto& [id, point] : j["variation_points"].items())
      if (point.is_object() && point.contains("value") && point["value"].is_string())
        values[entry.path().stem().string()][id] = point["value"];
  }
  return values;
}

/// A column of a table in spec/variation-points.md that names a profile: "`node-20`" or "10" (node-10).
std::string profile_of_column(const std::string& header) {
  if (header.size() > 2 && header.front() == '`' && header.back() == '`')
    return header.substr(1, header.size() - 2);
  if (!header.empty() &&
      std::all_of(header.begin(), header.end(), [](unsigned char c) { return std::isdigit(c); }))
    return "node-" + header;
  return "";
}

/// Where spec/ disagrees with the table: the main table of variation-points.md (each point once,
/// with the table's chapter and exactly its values and meanings, no other point), the rule heading
/// of each point in its chapter, and the values the tables of variation-points.md show for a profile
/// (a cell of a profile's column starts with that profile's value, or with "(" for a note such as
/// "(unused: ...)"; "Node 20's" is node-20's value).
std::vector<std::string> spec_problems(const fs::path& spec_dir, const fs::path& models_dir) {
  std::vector<std::string> problems;
  const auto& table = model::variation_points();
  const auto profiles = profile_values(models_dir);
  const auto lines = lines_of(spec_dir / kSpecFile);
  std::set<std::string> listed;
  std::vector<std::string> header;  // of the table being read; empty outside tables
  bool in_main_table = false;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    const std::string where = fmt::format("spec/{}:{}", kSpecFile, n + 1);
    if (!line.starts_with("|")) {
      header.clear();
      continue;
    }
    const auto cells = cells_of(line);
    if (header.empty()) {
      header = cells;
      in_main_table =
          cells.size() >= 3 && cells[0] == "Variation point" && cells[1] == "Rule in" && cells[2] == "Values";
      continue;
    }
    if (line.starts_with("|---")) continue;
    if (header[0] != "Variation point") continue;
    if (cells.size() != header.size()) {
      problems.push_back(
          fmt::format("{}: {} cells under a header of {}", where, cells.size(), header.size()));
      continue;
    }
    const std::vector<std::string> ids = leading_code(cells[0]);
    if (in_main_table) {
      if (ids.size() != 1) {
        problems.push_back(fmt::format("{}: a row of the table names no single point: {}", where, cells[0]));
        continue;
      }
      const std::string& id = ids.front();
      const model::VariationPoint* point = model::find_variation_point(id);
      if (!point) {
        problems.push_back(
            fmt::format("{}: `{}` is not in the table of variation points (reference/src/model/"
                        "variation_points.cpp)",
                        where, id));
        continue;
      }
      if (!listed.insert(id).second) problems.push_back(fmt::format("{}: `{}` listed twice", where, id));
      if (cells[1] != point->chapter)
        problems.push_back(
            fmt::format("{}: `{}` is in {} by the table, not {}", where, id, point->chapter, cells[1]));
      if (cells[2] != values_cell(*point))
        problems.push_back(
            fmt::format("{}: the values of `{}` are not the table's; the cell should read:\n{}", where, id,
                        values_cell(*point)));
    }
    for (std::size_t c = 1; c < cells.size(); ++c) {
      const std::string profile = profile_of_column(header[c]);
      if (profile.empty() || cells[c].starts_with("(")) continue;
      const auto values_of = [&](const std::string& name) {
        std::vector<std::string> values;
        const auto it = profiles.find(name);
        for (const auto& id : ids)
          values.push_back(it != profiles.end() && it->second.contains(id) ? it->second.at(id) : "?");
        return values;
      };
      const std::vector<std::string> wanted = values_of(profile);
      const std::vector<std::string> shown =
          cells[c] == "Node 20's" ? values_of("node-20") : leading_code(cells[c]);
      if (shown != wanted)
        problems.push_back(fmt::format("{}: {} gives {} the value(s) `{}`, not {}", where, profile, cells[0],
                                       fmt::join(wanted, "`, `"), cells[c]));
    }
  }
  for (const auto& point : table) {
    if (!listed.contains(std::string(point.id)))
      problems.push_back(
          fmt::format("spec/{}: `{}` is missing from the table of variation points", kSpecFile, point.id));
    const std::string heading = fmt::format("### `{}` — ", point.id);
    const auto chapter = lines_of(spec_dir / point.chapter);
    if (std::none_of(chapter.begin(), chapter.end(), [&](const auto& l) { return l.starts_with(heading); }))
      problems.push_back(fmt::format("spec/{}: no rule heading \"{}...\" for variation point `{}`",
                                     point.chapter, heading, point.id));
  }
  return problems;
}

/// Where models/*.json disagree with the table, read from the JSON itself (not through the loader):
/// every point given, with one of its values and non-empty evidence, and no other point.
std::vector<std::string> model_problems(const fs::path& models_dir) {
  std::vector<std::string> problems;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(models_dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    const std::string file = "models/" + entry.path().filename().string();
    const auto j = nlohmann::json::parse(read_text(entry.path()), nullptr, false);
    if (!j.is_object() || !j.contains("variation_points") || !j["variation_points"].is_object()) {
      problems.push_back(file + ": no \"variation_points\" object");
      continue;
    }
    const auto& points = j["variation_points"];
    for (const auto& [id, given] : points.items())
      if (!model::find_variation_point(id))
        problems.push_back(fmt::format("{}: unknown point `{}`", file, id));
    for (const auto& point : model::variation_points()) {
      const std::string id(point.id);
      if (!points.contains(id)) {
        problems.push_back(fmt::format("{}: no value for `{}`", file, id));
        continue;
      }
      const auto& given = points[id];
      const std::string value = given.is_object() && given.contains("value") && given["value"].is_string()
                                    ? given["value"].get<std::string>()
                                    : "";
      if (std::none_of(point.values.begin(), point.values.end(),
                       [&](const auto& v) { return v.json == value; }))
        problems.push_back(
            fmt::format("{}: `{}` has value \"{}\", not one of {}", file, id, value, point.allowed()));
      if (!given.is_object() || !given.contains("evidence") || !given["evidence"].is_string() ||
          given["evidence"].get<std::string>().empty())
        problems.push_back(fmt::format("{}: `{}` cites no evidence", file, id));
    }
  }
  if (files == 0) problems.push_back(models_dir.string() + ": no profiles");
  return problems;
}

void require_none(const std::vector<std::string>& problems) {
  for (const auto& p : problems) BOOST_ERROR(p);
}

/// A copy of spec/ and models/ in a fresh temporary folder, removed at the end.
class MutableCopy {
 public:
  MutableCopy() {
    std::string pattern = (fs::temp_directory_path() / "acx-variation-points-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(pattern.data()));
    root_ = pattern;
    fs::copy(kSpecDir, spec(), fs::copy_options::recursive);
    fs::copy(kModelsDir, models(), fs::copy_options::recursive);
  }
  ~MutableCopy() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  MutableCopy(const MutableCopy&) = delete;
  MutableCopy& operator=(const MutableCopy&) = delete;

  fs::path spec() const { return root_ / "spec"; }
  fs::path models() const { return root_ / "models"; }

  /// Replaces the first `from` in `file` (which must contain it, so that no mutation is a no-op).
  void replace(const fs::path& file, const std::string& from, const std::string& to) const {
    std::string text = read_text(file);
    const auto at = text.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, file.string() + " lacks " + from);
    text.replace(at, from.size(), to);
    std::ofstream(file, std::ios::binary) << text;
  }

  /// Changes models/NAME.json through `edit`.
  void edit_profile(const std::string& name, const std::function<void(nlohmann::json&)>& edit) const {
    const fs::path file = models() / (name + ".json");
    auto j = nlohmann::json::parse(read_text(file));
    edit(j);
    std::ofstream(file, std::ios::binary) << j.dump(2);
  }

 private:
  fs::path root_;
};

/// Whether one of the problems contains `needle`.
bool reported(const std::vector<std::string>& problems, const std::string& needle) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const auto& p) { return p.find(needle) != std::string::npos; });
}

std::string spec_row_start(std::string_view id) {
  return fmt::format("| `{}` | ", id);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_table_is_well_formed) {
  std::set<std::string_view> ids;
  for (const auto& point : model::variation_points()) {
    BOOST_TEST_CONTEXT("variation point " << point.id) {
      BOOST_TEST(ids.insert(point.id).second);
      BOOST_TEST(std::regex_match(std::string(point.id), std::regex(R"([a-z]+(\.[a-z0-9-]+)+)")));
      BOOST_TEST(fs::exists(kSpecDir / point.chapter));
      BOOST_TEST(!point.doc.empty());
      BOOST_TEST(point.values.size() >= 2u);
      std::set<std::string_view> spellings;
      for (const auto& v : point.values) {
        BOOST_TEST(spellings.insert(v.json).second);
        BOOST_TEST(!v.meaning.empty());
        BOOST_TEST(v.meaning.find('|') == std::string_view::npos);  // a cell of a Markdown table
      }
    }
  }
}

// Each row sets its own Profile field, each value a different field value: setting a point's value
// reads back as that value and changes no other point.
BOOST_AUTO_TEST_CASE(each_point_sets_a_field_of_its_own) {
  const auto& table = model::variation_points();
  const model::Profile base;
  for (const auto& point : table) {
    BOOST_TEST_CONTEXT("variation point " << point.id) {
      BOOST_TEST(point.get(base).has_value());  // the default is one of its values
      for (std::size_t i = 0; i < point.values.size(); ++i) {
        model::Profile p = base;
        point.set(p, i);
        BOOST_TEST(point.get(p).value_or(point.values.size()) == i);
        for (const auto& other : table)
          if (&other != &point)
            BOOST_TEST(other.get(p).value_or(99) == other.get(base).value_or(99), other.id << " changed too");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(spec_agrees_with_the_table) {
  require_none(spec_problems(kSpecDir, kModelsDir));
}

BOOST_AUTO_TEST_CASE(every_profile_agrees_with_the_table) {
  require_none(model_problems(kModelsDir));
}

BOOST_AUTO_TEST_CASE(every_profile_loads) {
  for (const auto& entry : fs::directory_iterator(kModelsDir)) {
    if (entry.path().extension() != ".json") continue;
    const auto loaded = model::load_profile(entry.path().string(), "");
    if (const auto* error = std::get_if<model::ProfileError>(&loaded)) BOOST_ERROR(error->to_string());
  }
}

// The checks above on mutated copies: each must report what was broken.
BOOST_AUTO_TEST_CASE(spec_checks_fail_on_a_mutated_spec) {
  const auto& point = *model::find_variation_point("promise.resolve-early");
  const std::string row = spec_row_start(point.id);
  {
    MutableCopy copy;
    BOOST_TEST(spec_problems(copy.spec(), copy.models()).empty());  // the copy itself is fine
    copy.replace(copy.spec() / kSpecFile, "`at-resolve-and-settle`:", "`at-resolve-and-settles`:");
    BOOST_TEST(reported(spec_problems(copy.spec(), copy.models()), "the values of `promise.resolve-early`"));
  }
  {
    MutableCopy copy;
    copy.replace(copy.spec() / kSpecFile, row + "promises.md", row + "errors.md");
    BOOST_TEST(reported(spec_problems(copy.spec(), copy.models()),
                        "`promise.resolve-early` is in promises.md by the table, not errors.md"));
  }
  {
    MutableCopy copy;
    copy.replace(copy.spec() / kSpecFile, row, "| `promise.resolve-earlier` | ");
    const auto problems = spec_problems(copy.spec(), copy.models());
    BOOST_TEST(reported(problems, "`promise.resolve-earlier` is not in the table of variation points"));
    BOOST_TEST(reported(problems, "`promise.resolve-early` is missing from the table of variation points"));
  }
  {
    MutableCopy copy;
    copy.replace(copy.spec() / kSpecFile, row,
                 "| `promise.made-up` | promises.md | `a`: b | `a` | `a` |\n" + row);
    BOOST_TEST(reported(spec_problems(copy.spec(), copy.models()), "`promise.made-up` is not in the table"));
  }
  {
    MutableCopy copy;
    copy.replace(copy.spec() / "promises.md", "### `promise.resolve-early` — ",
                 "### `promise.resolve-soon` — ");
    BOOST_TEST(reported(spec_problems(copy.spec(), copy.models()),
                        "no rule heading \"### `promise.resolve-early` — ...\""));
  }
  {
    MutableCopy copy;  // a profile column that no longer shows the profile's value
    copy.edit_profile("node-24", [](nlohmann::json& j) {
      j["variation_points"]["promise.resolve-early"]["value"] = "at-resolve-and-settle";
    });
    BOOST_TEST(reported(spec_problems(copy.spec(), copy.models()),
                        "node-24 gives `promise.resolve-early` the value(s) `at-resolve-and-settle`"));
  }
}

namespace {

using Edit = std::function<void(nlohmann::json&)>;

void set_value(nlohmann::json& j, const char* id, const char* value) {
  j["variation_points"][id]["value"] = value;
}

const Edit kUnknownValue = [](nlohmann::json& j) { set_value(j, "promise.multiple-resolves", "ticks"); };
const Edit kUnknownPoint = [](nlohmann::json& j) {
  j["variation_points"]["tick.destroyed"] = {{"value", "after-callback"}, {"evidence", "made up"}};
};
const Edit kMissingPoint = [](nlohmann::json& j) { j["variation_points"].erase("tick.destroy"); };
const Edit kNoEvidence = [](nlohmann::json& j) { j["variation_points"]["als.model"]["evidence"] = ""; };

std::vector<std::string> model_problems_after(const Edit& edit) {
  MutableCopy copy;
  copy.edit_profile("node-12", edit);
  return model_problems(copy.models());
}

/// The loader's error for models/node-12.json after `edit` (its file must be the one named).
std::string load_error_after(const Edit& edit) {
  MutableCopy copy;
  copy.edit_profile("node-12", edit);
  const auto loaded = model::load_profile("node-12", copy.models().string());
  if (!std::holds_alternative<model::ProfileError>(loaded)) return "(loaded)";
  const auto& error = std::get<model::ProfileError>(loaded);
  BOOST_TEST(error.file == (copy.models() / "node-12.json").string());
  return error.message;
}

}  // namespace

BOOST_AUTO_TEST_CASE(profile_checks_fail_on_mutated_profiles) {
  BOOST_TEST(model_problems_after([](nlohmann::json&) {}).empty());  // rewriting the JSON changes nothing
  BOOST_TEST(
      reported(model_problems_after(kUnknownValue),
               "models/node-12.json: `promise.multiple-resolves` has value \"ticks\", not one of \"none\", "
               "\"tick\", \"tick-in-promise-context\""));
  BOOST_TEST(
      reported(model_problems_after(kUnknownPoint), "models/node-12.json: unknown point `tick.destroyed`"));
  BOOST_TEST(
      reported(model_problems_after(kMissingPoint), "models/node-12.json: no value for `tick.destroy`"));
  BOOST_TEST(
      reported(model_problems_after(kNoEvidence), "models/node-12.json: `als.model` cites no evidence"));
}

// The loader reads the same table; its errors name the file, the point and, for a bad value, the
// allowed ones (as before the table).
BOOST_AUTO_TEST_CASE(the_loader_reports_each_disagreement) {
  BOOST_TEST(load_error_after([](nlohmann::json&) {}) == "(loaded)");
  BOOST_TEST(load_error_after(kUnknownValue) ==
             "variation point \"promise.multiple-resolves\": unknown value \"ticks\" (allowed: \"none\", "
             "\"tick\", \"tick-in-promise-context\")");
  BOOST_TEST(load_error_after(kUnknownPoint) == "unknown variation point \"tick.destroyed\"");
  BOOST_TEST(load_error_after(kMissingPoint) == "variation point \"tick.destroy\" is missing");
  BOOST_TEST(load_error_after(kNoEvidence) == "variation point \"als.model\" must cite its \"evidence\"");
}
