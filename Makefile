# Thin wrapper over Meson. "make" builds build/observa; "make check" runs every
# test under AddressSanitizer and UBSan; "make demo" builds an observatory
# filled with synthetic data in demo/.
MESON ?= meson
BUILD ?= build
SAN ?= build-san
DEMO ?= demo

.PHONY: all bootstrap bootstrap-check check check-build demo clean fuzz bench golden-update

all: bootstrap
	@[ -f $(BUILD)/build.ninja ] || $(MESON) setup $(BUILD) --buildtype=release -Dtests=false >/dev/null
	@out=$$(ninja -C $(BUILD) observa) || { echo "$$out" | grep -v '^\['; exit 1; }

bootstrap:
	@./scripts/bootstrap

# what the tests need besides: Node.js and the npm packages of tests/clients
bootstrap-check:
	@./scripts/bootstrap --check

check: bootstrap-check
	@[ -f $(SAN)/build.ninja ] || $(MESON) setup $(SAN) -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@out=$$(ninja -C $(SAN)) || { echo "$$out" | grep -v '^\['; exit 1; }
	@$(MESON) test -C $(SAN) --print-errorlogs -q

# Rewrite tests/golden/*.test with what the commands print now (then review
# "git diff tests/golden": every change there is a change users see).
golden-update: check-build
	@OBSERVA=$(abspath $(SAN))/observa OBSERVA_TESTDATA=$(CURDIR)/tests/data tests/golden/run.sh --update
	@OBSERVA_GOLDEN_UPDATE=1 OBSERVA=$(abspath $(SAN))/observa OBSERVA_DATA=$(CURDIR)/data OBSERVA_TESTDATA=$(CURDIR)/tests/data \
		tests/e2e/run.sh tests/e2e/report_svg.sh

check-build: bootstrap
	@[ -f $(SAN)/build.ninja ] || $(MESON) setup $(SAN) -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@out=$$(ninja -C $(SAN)) || { echo "$$out" | grep -v '^\['; exit 1; }

demo: all
	@rm -rf $(DEMO)
	./$(BUILD)/observa demo $(DEMO)

# Fuzz each harness of fuzz/ for FUZZ_SECONDS with clang's libFuzzer, ASan and
# UBSan; new inputs go to build-fuzz/corpus-<name>, crashes to build-fuzz/.
FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	@[ -f $(FUZZ)/build.ninja ] || CC=clang $(MESON) setup $(FUZZ) -Dfuzzing=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@out=$$(ninja -C $(FUZZ)) || { echo "$$out" | grep -v '^\['; exit 1; }
	@for h in csv date ini query; do \
		mkdir -p $(FUZZ)/corpus-$$h && \
		echo "fuzz: $$h, $(FUZZ_SECONDS) s" && \
		( cd $(FUZZ) && ./fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) \
			-dict=../fuzz/$$h.dict -print_final_stats=1 \
			corpus-$$h ../fuzz/corpus/$$h ) || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(SAN) $(FUZZ)
