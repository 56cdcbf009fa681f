#include "report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

namespace acx::cli {

namespace fs = std::filesystem;

namespace {

// In the order of the summary tables; unstable, undecided and stalled came last, after the columns
// that scripts reading the README table already knew.
constexpr Cell kCells[] = {Cell::Pass,         Cell::Fail,           Cell::Unsupported,
                           Cell::ExpectedFail, Cell::UnexpectedPass, Cell::Error,
                           Cell::Unstable,     Cell::Undecided,      Cell::Stalled};

/// Where a cell's report lives, relative to the report folder.
std::string detail_path(const BackendColumn& col, const CaseInfo& c) {
  std::string id = c.id;
  for (char& ch : id)
    if (ch == '/') ch = '~';
  return fmt::format("cells/{}/{}.txt", expectations_key(col.spec), id);
}

/// A cell with a report to read: any but a pass, and a pass some of whose runs stalled.
bool has_detail(const CellResult& r) {
  return (r.cell != Cell::Pass || r.outcome.stalled_runs() > 0) && !r.outcome.report.empty();
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // XML 1.0 forbids most control characters, which a runtime's stderr may contain.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
          out += "?";
        else
          out += c;
    }
  }
  return out;
}

/// What one run of a case that ran more than once came to.
const char* run_verdict(const CaseOutcome::Run& run) {
  switch (run.kind) {
    case CaseOutcome::Kind::Pass:
      return "pass";
    case CaseOutcome::Kind::Fail:
      return "fail";
    case CaseOutcome::Kind::Undecided:
      return "undecided";
    case CaseOutcome::Kind::Stalled:
      return "stalled";
    case CaseOutcome::Kind::BackendFailure:
      return run.timed_out ? "timeout" : "backend-failure";
    case CaseOutcome::Kind::Unstable:
    case CaseOutcome::Kind::Unsupported:
    case CaseOutcome::Kind::BadInput:
      break;
  }
  return "error";
}

/// "2 of 4 runs passed" (then ", 1 of 4 runs stalled" if some did) for a cell that ran more than
/// once; empty otherwise.
std::string run_counts(const CellResult& r) {
  if (r.outcome.runs.empty()) return {};
  const std::size_t stalled = r.outcome.stalled_runs(), runs = r.outcome.runs.size();
  return fmt::format("{} of {} runs passed{}", r.outcome.passed_runs(), runs,
                     stalled ? fmt::format(", {} of {} runs stalled", stalled, runs) : "");
}

/// Whether some runs of the cell passed and some did not.
bool mixed_runs(const CellResult& r) {
  const std::size_t passed = r.outcome.passed_runs();
  return !r.outcome.runs.empty() && passed > 0 && passed < r.outcome.runs.size();
}

bool all_accounted(const Matrix& m) {
  for (const auto& col : m.backends)
    for (const auto& r : col.cells)
      if (r.cell != Cell::Pass && r.cell != Cell::Unsupported && r.cell != Cell::ExpectedFail) return false;
  return !m.backends.empty();
}

nlohmann::json to_json(const Matrix& m) {
  nlohmann::json j;
  // 2: the cells unstable and undecided, and the runs of a cell that ran more than once. 3: the cell
  // stalled, a run's verdict stalled, and stalled_runs beside passed_runs.
  j["format"] = "acx-conformance-report/3";
  j["all_cells_accounted"] = all_accounted(m);
  j["cases"] = nlohmann::json::array();
  for (const auto& c : m.cases)
    j["cases"].push_back({{"id", c.id}, {"file", c.file}, {"title", c.title}, {"rules", c.rules}});
  j["backends"] = nlohmann::json::array();
  for (const auto& col : m.backends) {
    nlohmann::json b = {{"spec", col.spec}, {"runtime", col.runtime}, {"profile", col.profile}};
    if (!col.failure.empty()) b["failure"] = col.failure;
    b["counts"] = column_counts(col);
    nlohmann::json cells = nlohmann::json::array();
    for (std::size_t i = 0; i < col.cells.size(); ++i) {
      const auto& r = col.cells[i];
      nlohmann::json cell = {{"case", m.cases[i].id},
                             {"cell", cell_name(r.cell)},
                             {"seconds", std::round(r.seconds * 1000) / 1000}};
      if (r.cell != Cell::Unsupported && r.cell != Cell::Error)
        cell["compared"] = std::string(trace::projection_name(r.outcome.projection));
      if (!r.outcome.missing.empty()) cell["missing"] = r.outcome.missing;
      if (r.expectation)
        cell["expectation"] = {{"reason", r.expectation->reason}, {"link", r.expectation->link}};
      if (!r.outcome.runs.empty()) {
        cell["passed_runs"] = r.outcome.passed_runs();
        cell["stalled_runs"] = r.outcome.stalled_runs();
        nlohmann::json runs = nlohmann::json::array();
        for (const auto& run : r.outcome.runs) {
          nlohmann::json one = {{"verdict", run_verdict(run)}};
          if (!run.report.empty()) one["report"] = run.report;
          runs.push_back(std::move(one));
        }
        cell["runs"] = std::move(runs);
      }
      if (has_detail(r)) {
        cell["report"] = r.outcome.report;
        cell["report_file"] = detail_path(col, m.cases[i]);
      }
      cells.push_back(std::move(cell));
    }
    b["cells"] = std::move(cells);
    j["backends"].push_back(std::move(b));
  }
  return j;
}

std::string junit(const Matrix& m) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"acx conformance\">\n";
  for (const auto& col : m.backends) {
    const auto counts = column_counts(col);
    const std::size_t failures = counts.at("fail") + counts.at("unexpected-pass") + counts.at("unstable");
    const std::size_t errors = counts.at("error") + counts.at("undecided");
    const std::size_t skipped = counts.at("unsupported") + counts.at("expected-fail") + counts.at("stalled");
    double total = 0;
    for (const auto& r : col.cells) total += r.seconds;
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
        "time=\"{:.3f}\">\n",
        xml_escape(col.spec), col.cells.size(), failures, errors, skipped, total);
    out += fmt::format(
        "    <properties><property name=\"runtime\" value=\"{}\"/><property name=\"profile\" "
        "value=\"{}\"/></properties>\n",
        xml_escape(col.runtime), xml_escape(col.profile));
    for (std::size_t i = 0; i < col.cells.size(); ++i) {
      const auto& r = col.cells[i];
      const auto& c = m.cases[i];
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3f}\"",
                         xml_escape(col.spec), xml_escape(c.id), xml_escape(c.file), r.seconds);
      switch (r.cell) {
        case Cell::Pass:
          out += "/>\n";
          break;
        case Cell::Fail:
          out += fmt::format(
              ">\n      <failure message=\"diverges from the model\">{}</failure>\n    </testcase>\n",
              xml_escape(r.outcome.report));
          break;
        case Cell::UnexpectedPass:
          out += fmt::format(
              ">\n      <failure message=\"unexpected pass: the expectation at {} is stale\">{}</failure>\n"
              "    </testcase>\n",
              xml_escape(r.expectation->where), xml_escape(r.expectation->reason));
          break;
        case Cell::Unsupported:
          out += fmt::format(">\n      <skipped message=\"unsupported: {}\"/>\n    </testcase>\n",
                             xml_escape(r.outcome.report));
          break;
        case Cell::ExpectedFail:
          out += fmt::format(">\n      <skipped message=\"expected failure: {} ({}){}\"/>\n    </testcase>\n",
                             xml_escape(r.expectation->reason), xml_escape(r.expectation->link),
                             r.outcome.passed_runs() > 0 ? xml_escape("; " + run_counts(r)) : "");
          break;
        case Cell::Unstable:
          out += fmt::format(">\n      <failure message=\"unstable: {}\">{}</failure>\n    </testcase>\n",
                             xml_escape(run_counts(r)), xml_escape(r.outcome.report));
          break;
        case Cell::Undecided:
          // An error, not a skip: CI systems show errors as loudly as failures, and an undecided
          // cell is a verdict acx could not reach, never one to pass over.
          out += fmt::format(
              ">\n      <error message=\"undecided: the model's search ran out of its budget\">{}</error>\n"
              "    </testcase>\n",
              xml_escape(r.outcome.report));
          break;
        case Cell::Stalled:
          // A skip, not an error: the observation was allowed only beyond the stall bound, which
          // says the machine was too busy, nothing about the runtime (acx conformance exits 0).
          // The report, with where the bounded model diverged, is the element's text.
          out += fmt::format(
              ">\n      <skipped message=\"stalled: allowed only if the runtime stalled beyond the bound "
              "(spec/time.md time.stall); not judged{}\">{}</skipped>\n    </testcase>\n",
              r.outcome.runs.empty() ? "" : xml_escape("; " + run_counts(r)), xml_escape(r.outcome.report));
          break;
        case Cell::Error:
          out += fmt::format(
              ">\n      <error message=\"backend failure or bad input\">{}</error>\n    </testcase>\n",
              xml_escape(r.outcome.report));
          break;
      }
    }
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

constexpr const char* kStyle = R"CSS(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
thead th { position: sticky; top: 0; background: #f4f4f4; }
th.backend { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
td.cell { text-align: center; min-width: 2.2em; }
td.name { font-family: ui-monospace, monospace; }
.pass { background: #c8ecc9; } .fail { background: #f4a3a3; } .unsupported { background: #e2e2e2; color: #666; }
.expected-fail { background: #f9dc8c; } .unexpected-pass { background: #d6b4f0; } .error { background: #c0392b; color: #fff; }
.unstable { background: repeating-linear-gradient(45deg, #f4a3a3 0 6px, #c8ecc9 6px 12px); }
.undecided { background: #9fc5e8; } .stalled { background: #c9e4de; }
td.cell small { font-size: 75%; }
details pre { white-space: pre-wrap; margin: 0.3em 0 0.8em 1em; }
td.cell a { color: inherit; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border: 1px solid #ccc; }
)CSS";

const char* cell_symbol(Cell c) {
  switch (c) {
    case Cell::Pass:
      return "✓";
    case Cell::Fail:
      return "✗";
    case Cell::Unsupported:
      return "–";
    case Cell::ExpectedFail:
      return "x";
    case Cell::UnexpectedPass:
      return "!";
    case Cell::Error:
      return "E";
    case Cell::Unstable:
      return "~";
    case Cell::Undecided:
      return "?";
    case Cell::Stalled:
      return "…";
  }
  return "?";
}

/// The worst cell of a set, for a rule's row: error, fail, unstable, unexpected pass, undecided,
/// stalled, expected fail, pass, unsupported.
Cell worst(const std::vector<Cell>& cells) {
  for (Cell c : {Cell::Error, Cell::Fail, Cell::Unstable, Cell::UnexpectedPass, Cell::Undecided,
                 Cell::Stalled, Cell::ExpectedFail, Cell::Pass})
    if (std::find(cells.begin(), cells.end(), c) != cells.end()) return c;
  return Cell::Unsupported;
}

/// The cells whose runs did not all agree (unstable, an expected failure that passed on some run, a
/// pass with stalled runs) and the undecided and stalled ones, each with the reports of its runs:
/// where a flake hunt starts.
std::string runs_section(const Matrix& m) {
  std::string items;
  for (const auto& col : m.backends)
    for (std::size_t i = 0; i < col.cells.size(); ++i) {
      const auto& r = col.cells[i];
      if (r.outcome.runs.empty() || (!mixed_runs(r) && r.cell != Cell::Undecided && r.cell != Cell::Stalled))
        continue;
      items += fmt::format(
          "<details id=\"runs-{}-{}\"><summary><span class=\"{}\">{}</span> {} on <code>{}</code>: "
          "{}</summary>"
          "<pre>{}</pre></details>\n",
          xml_escape(expectations_key(col.spec)), xml_escape(m.cases[i].id), cell_name(r.cell),
          cell_name(r.cell), xml_escape(m.cases[i].id), xml_escape(col.spec), xml_escape(run_counts(r)),
          xml_escape(r.outcome.report));
    }
  if (items.empty()) return {};
  return "<h2>Unstable, undecided and stalled cells</h2>\n<div id=\"runs\">\n" + items + "</div>\n";
}

std::string html(const Matrix& m) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>acx conformance</title>"
      "<style>{}</style></head><body>\n<h1>acx conformance: {} cases on {} backends</h1>\n",
      kStyle, m.cases.size(), m.backends.size());
  out += fmt::format(
      "<p id=\"verdict\">{}</p>\n",
      all_accounted(m)
          ? "Every cell is a pass, unsupported, or an expected failure with a reason."
          : "Some cells are failures, unstable, undecided, stalled, unexpected passes or errors.");
  out += "<p class=\"legend\">";
  for (Cell c : kCells)
    out += fmt::format("<span class=\"{}\">{} {}</span>", cell_name(c), cell_symbol(c), cell_name(c));
  out += "</p>\n";

  out +=
      "<h2>Summary</h2>\n<table id=\"summary\"><thead><tr><th>backend</th><th>runtime</th><th>profile</th>";
  for (Cell c : kCells) out += fmt::format("<th>{}</th>", cell_name(c));
  out += "</tr></thead><tbody>\n";
  for (const auto& col : m.backends) {
    const auto counts = column_counts(col);
    out += fmt::format("<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td>", xml_escape(col.spec),
                       xml_escape(col.runtime.empty() ? col.failure : col.runtime), xml_escape(col.profile));
    for (Cell c : kCells)
      out += fmt::format("<td class=\"cell {}\">{}</td>", counts.at(cell_name(c)) ? cell_name(c) : "",
                         counts.at(cell_name(c)));
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";

  const auto header = [&](const char* first) {
    std::string h = fmt::format("<thead><tr><th>{}</th>", first);
    for (const auto& col : m.backends)
      h += fmt::format("<th class=\"backend\">{}</th>", xml_escape(col.spec));
    return h + "</tr></thead>\n";
  };

  std::set<std::string> rules;
  for (const auto& c : m.cases) rules.insert(c.rules.begin(), c.rules.end());
  out += "<h2>Rules</h2>\n<table id=\"rules\">" + header("rule") + "<tbody>\n";
  for (const auto& rule : rules) {
    out += fmt::format("<tr><td class=\"name\">{}</td>", xml_escape(rule));
    for (const auto& col : m.backends) {
      std::vector<Cell> cells;
      std::size_t passed = 0, compared = 0;
      for (std::size_t i = 0; i < m.cases.size(); ++i) {
        if (std::find(m.cases[i].rules.begin(), m.cases[i].rules.end(), rule) == m.cases[i].rules.end())
          continue;
        cells.push_back(col.cells[i].cell);
        if (col.cells[i].cell != Cell::Unsupported) ++compared;
        if (col.cells[i].cell == Cell::Pass) ++passed;
      }
      const Cell w = worst(cells);
      out += fmt::format("<td class=\"cell {}\" title=\"{} of {} compared cases pass\">{}/{}</td>",
                         cell_name(w), passed, compared, passed, compared);
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";

  out += "<h2>Cases</h2>\n<table id=\"cases\">" + header("case") + "<tbody>\n";
  for (std::size_t i = 0; i < m.cases.size(); ++i) {
    const auto& c = m.cases[i];
    out += fmt::format("<tr id=\"{}\"><td class=\"name\" title=\"{}\">{}</td>", xml_escape(c.id),
                       xml_escape(c.title), xml_escape(c.id));
    for (const auto& col : m.backends) {
      const auto& r = col.cells[i];
      std::string tip = cell_name(r.cell);
      if (r.expectation)
        tip += ": " + r.expectation->reason + " (" + r.expectation->link + ")";
      else if (r.cell == Cell::Unsupported)
        tip += ": " + r.outcome.report;
      else if (r.outcome.projection == trace::Projection::Stores && r.cell == Cell::Pass)
        tip += " (stores only)";
      if (!r.outcome.runs.empty()) tip += "; " + run_counts(r);
      // A cell whose runs disagreed shows how many passed.
      const std::string symbol = mixed_runs(r) ? fmt::format("{}<small>{}/{}</small>", cell_symbol(r.cell),
                                                             r.outcome.passed_runs(), r.outcome.runs.size())
                                               : std::string(cell_symbol(r.cell));
      const std::string body =
          has_detail(r) ? fmt::format("<a href=\"{}\">{}</a>", detail_path(col, c), symbol) : symbol;
      out +=
          fmt::format("<td class=\"cell {}\" title=\"{}\">{}</td>", cell_name(r.cell), xml_escape(tip), body);
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n" + runs_section(m) + "</body></html>\n";
  return out;
}

bool write_text(const fs::path& file, const std::string& text) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::ofstream out(file, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

std::map<std::string, std::size_t> column_counts(const BackendColumn& column) {
  std::map<std::string, std::size_t> counts;
  for (Cell c : kCells) counts[cell_name(c)] = 0;
  for (const auto& r : column.cells) ++counts[cell_name(r.cell)];
  return counts;
}

std::optional<std::string> write_readme_summary(const Matrix& m, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "cannot read " + file;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string begin = "<!-- conformance-summary:begin -->", end = "<!-- conformance-summary:end -->";
  const auto b = text.find(begin), e = text.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b)
    return fmt::format("{}: no {} ... {} lines to replace", file, begin, end);
  std::string table = begin +
                      "\n| backend | runtime | profile | pass | fail | unsupported | expected-fail | "
                      "unexpected-pass | error | unstable | undecided | stalled |\n"
                      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& col : m.backends) {
    const auto c = column_counts(col);
    table += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", col.spec,
                         col.runtime.empty() ? "unavailable" : col.runtime, col.profile, c.at("pass"),
                         c.at("fail"), c.at("unsupported"), c.at("expected-fail"), c.at("unexpected-pass"),
                         c.at("error"), c.at("unstable"), c.at("undecided"), c.at("stalled"));
  }
  const std::string updated = text.substr(0, b) + table + text.substr(e);
  if (!write_text(file, updated)) return "cannot write " + file;
  return std::nullopt;
}

std::optional<std::string> write_report(const Matrix& m, const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  fs::remove_all(root / "cells", ec);
  for (const auto& col : m.backends) {
    for (std::size_t i = 0; i < col.cells.size(); ++i) {
      const auto& r = col.cells[i];
      if (!has_detail(r)) continue;
      std::string text = fmt::format("case {} ({}) on {} ({}), profile {}: {}\n", m.cases[i].id,
                                     m.cases[i].file, col.spec, col.runtime, col.profile, cell_name(r.cell));
      if (r.expectation)
        text += fmt::format("expected to fail: {} ({}; {})\n", r.expectation->reason, r.expectation->link,
                            r.expectation->where);
      text += "\n" + r.outcome.report + "\n";
      if (!write_text(root / detail_path(col, m.cases[i]), text))
        return fmt::format("cannot write {}", (root / detail_path(col, m.cases[i])).string());
    }
  }
  if (!write_text(root / "report.json", to_json(m).dump(1) + "\n"))
    return "cannot write " + (root / "report.json").string();
  if (!write_text(root / "junit.xml", junit(m))) return "cannot write " + (root / "junit.xml").string();
  if (!write_text(root / "index.html", html(m))) return "cannot write " + (root / "index.html").string();
  return std::nullopt;
}

}  // namespace acx::cli
