# The two commands: `make demo` and `make test`. Everything else is for developers.
BUILD        ?= build
BUILD_ASAN   ?= build-asan
BUILD_TSAN   ?= build-tsan
CMAKE_FLAGS  ?=
CTEST_FLAGS  ?= --output-on-failure -j2

.PHONY: demo demo-fleet test package build deps test-sanitize test-asan test-tsan fuzz bench install clean
BUILD_FUZZ   ?= build-fuzz
FUZZ_SECONDS ?= 600

demo: build
	./scripts/demo.sh $(BUILD)

# The fleet on one machine: a publisher, two checkers splitting the targets, a writer.
demo-fleet: build
	./scripts/demo-fleet.sh $(BUILD)

test: build
	cd $(BUILD) && ctest $(CTEST_FLAGS)

# Debian packages (watchpost, watchpost-dev) in $(BUILD)/packages (docs/packaging.md).
package: build
	cd $(BUILD) && cpack -G DEB -B packages

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD)

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

deps:
	./scripts/install-deps.sh

# ASan + UBSan over the whole suite, then TSan where threads meet.
test-sanitize: test-asan test-tsan

test-asan: deps
	cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWATCHPOST_SANITIZE=address,undefined
	cmake --build $(BUILD_ASAN)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1 ctest $(CTEST_FLAGS)

test-tsan: deps
	cmake -S . -B $(BUILD_TSAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWATCHPOST_SANITIZE=thread
	cmake --build $(BUILD_TSAN)
	# librdkafka (not instrumented) crashes the TSan runtime as soon as a client starts, so
	# every test that uses Kafka (all have "Kafka" in their name) runs under ASan only.
	cd $(BUILD_TSAN) && TSAN_OPTIONS=halt_on_error=1 ctest $(CTEST_FLAGS) -E 'Kafka'

# Benchmarks beside peers and physical limits (not part of make test); tables in bench/results.
bench:
	./scripts/install-deps.sh bench
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWATCHPOST_BUILD_BENCH=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD)
	./bench/run.sh $(BUILD)

# libFuzzer (clang) on the config loader and the Kafka message decoder, FUZZ_SECONDS each.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DWATCHPOST_SANITIZE=address,undefined -DWATCHPOST_BUILD_FUZZ=ON -DWATCHPOST_BUILD_TESTS=OFF
	cmake --build $(BUILD_FUZZ)
	./fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) $(BUILD_FUZZ)
