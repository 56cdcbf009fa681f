// The variation points of the spec, declared once (reference/src/model/variation_points.cpp): each
// one's id, spec chapter, values and the Profile field its value sets. The profile loader, `acx
// profiles` and the test that keeps spec/variation-points.md and models/*.json in step all read it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acx/model/profile.h"

namespace acx::model {

/// One value of a variation point.
struct VariationValue {
  std::string_view json;     ///< Its spelling in models/*.json, e.g. "at-settle".
  std::string_view meaning;  ///< What it means, in one line (Markdown; the cell of spec/variation-points.md).
};

struct VariationPoint {
  std::string_view id;       ///< e.g. "promise.resolve-early".
  std::string_view chapter;  ///< The spec file with its rule heading "### `id` — ...", e.g. "promises.md".
  std::string_view doc;      ///< What varies, in one line.
  std::vector<VariationValue> values;
  /// Sets the point's Profile field to `values[index]`.
  std::function<void(Profile&, std::size_t index)> set;
  /// The index in `values` of what the point's Profile field holds (none: a value the table lacks).
  std::function<std::optional<std::size_t>(const Profile&)> get;

  /// The values' spellings as `"a", "b"` (for error messages).
  std::string allowed() const;
};

/// Every variation point, in the order of spec/variation-points.md's table.
const std::vector<VariationPoint>& variation_points();

/// The point with this id, or nullptr.
const VariationPoint* find_variation_point(std::string_view id);

}  // namespace acx::model
