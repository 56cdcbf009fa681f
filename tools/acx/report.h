// Writing the conformance matrix to a folder: report.json (the record), junit.xml (for CI systems)
// and index.html (a static page: rules and cases against backends), plus one text file per failing
// cell with its first-divergence report.
#pragma once

#include <string>

#include "conformance.h"

namespace acx::cli {

/// Cell counts of one backend column, by cell name.
std::map<std::string, std::size_t> column_counts(const BackendColumn& column);

/// Writes the report files into `dir` (created if needed); returns an error message on failure.
std::optional<std::string> write_report(const Matrix& m, const std::string& dir);

/// Rewrites the table between the lines `<!-- conformance-summary:begin -->` and
/// `<!-- conformance-summary:end -->` of a Markdown file with the matrix's counts per backend.
std::optional<std::string> write_readme_summary(const Matrix& m, const std::string& file);

}  // namespace acx::cli
