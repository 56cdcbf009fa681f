// A 128-bit key of a model state, for merging equal states in the search (search.h): two machines
// with equal keys (and equal positions in the observed trace) have the same futures.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "acx/trace/event.h"

namespace acx::model {

struct StateKey {
  std::uint64_t high = 0, low = 0;
  friend bool operator==(const StateKey&, const StateKey&) = default;
};

struct StateKeyHash {
  std::size_t operator()(const StateKey& k) const {
    return static_cast<std::size_t>(k.high ^ (k.low * 0x9e3779b97f4a7c15ULL));
  }
};

/// Feeds 64-bit words into two independent multiply-xorshift accumulators (a collision of both is
/// about 2^-128 per pair). With `record`, it also keeps the words, so that a test can compare two
/// states word for word where their keys are equal.
class StateHasher {
 public:
  explicit StateHasher(bool record = false) : record_(record) {}
  void add(std::uint64_t word) {
    if (record_) words_.push_back(word);
    a_ = mix(a_ ^ word, 0x9e3779b97f4a7c15ULL);
    b_ = mix(b_ + word, 0xc2b2ae3d27d4eb4fULL);
  }
  void add(std::string_view text) {
    add(text.size());
    std::uint64_t word = 0;
    std::size_t n = 0;
    for (char c : text) {
      word = (word << 8) | static_cast<unsigned char>(c);
      if (++n == 8) {
        add(word);
        word = 0;
        n = 0;
      }
    }
    if (n) add(word);
  }
  void add(const void* pointer) {
    add(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(pointer)));
  }
  void add_signed(std::int64_t value) { add(static_cast<std::uint64_t>(value)); }
  StateKey key() const { return {mix(a_, 0xff51afd7ed558ccdULL), mix(b_ ^ a_, 0xc4ceb9fe1a85ec53ULL)}; }
  const std::vector<std::uint64_t>& words() const { return words_; }

 private:
  static std::uint64_t mix(std::uint64_t x, std::uint64_t m) {
    x *= m;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
    return x ^ (x >> 32);
  }
  bool record_;
  std::uint64_t a_ = 0x243f6a8885a308d3ULL, b_ = 0x13198a2e03707344ULL;
  std::vector<std::uint64_t> words_;
};

/// Feeds every field of an event into `h`.
void hash_event(StateHasher& h, const trace::Event& event);

}  // namespace acx::model
