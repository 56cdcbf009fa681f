// Private: a vector whose copies share storage until written, in chunks. The search forks the machine
// at every choice (search.cpp); the machine's big tables (promises, resources, frames, bindings) are
// CowVectors so that a fork copies one pointer per chunk, and a branch copies only the chunks it
// writes: following a thousand independent timers stays linear.
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace acx::model::detail {

template <typename T, unsigned Bits = 6>
class CowVector {
  static constexpr std::size_t kChunk = std::size_t{1} << Bits;
  struct Chunk {
    std::array<T, kChunk> items{};
  };

 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  const T& operator[](std::size_t i) const { return chunks_[i >> Bits]->items[i & (kChunk - 1)]; }
  /// Write access: the chunk is copied first if another copy of the vector shares it. Only at a
  /// choice are machines copied, so references taken between two choices stay valid.
  T& operator[](std::size_t i) {
    auto& chunk = chunks_[i >> Bits];
    if (chunk.use_count() > 1) chunk = std::make_shared<Chunk>(*chunk);
    return chunk->items[i & (kChunk - 1)];
  }
  const T& back() const { return (*this)[size_ - 1]; }
  T& back() { return (*this)[size_ - 1]; }

  T& emplace_back() {
    if ((size_ & (kChunk - 1)) == 0) chunks_.push_back(std::make_shared<Chunk>());
    ++size_;
    T& slot = back();
    slot = T{};
    return slot;
  }
  void push_back(T value) { emplace_back() = std::move(value); }
  void resize(std::size_t n, const T& value = T{}) {
    while (size_ < n) push_back(value);
    if (n < size_) {
      size_ = n;
      chunks_.resize((n + kChunk - 1) >> Bits);
    }
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator(const CowVector* v, std::size_t i) : v_(v), i_(i) {}
    const T& operator*() const { return (*v_)[i_]; }
    const T* operator->() const { return &(*v_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }

   private:
    const CowVector* v_;
    std::size_t i_;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  std::vector<std::shared_ptr<Chunk>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace acx::model::detail
