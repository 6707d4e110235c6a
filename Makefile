# Thin wrapper over Meson. "make" builds build/observa; "make check" runs every
# test under AddressSanitizer and UBSan; "make demo" builds an observatory
# filled with synthetic data in demo/.
MESON ?= meson
BUILD ?= build
SAN ?= build-san
DEMO ?= demo

.PHONY: all bootstrap check demo clean fuzz bench

all: bootstrap
	@[ -f $(BUILD)/build.ninja ] || $(MESON) setup $(BUILD) --buildtype=release -Dtests=false >/dev/null
	@ninja -C $(BUILD) observa >/dev/null

bootstrap:
	@./scripts/bootstrap

check: bootstrap
	@[ -f $(SAN)/build.ninja ] || $(MESON) setup $(SAN) -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C $(SAN) | grep -v "^\[" || true; ninja -C $(SAN) >/dev/null
	@$(MESON) test -C $(SAN) --print-errorlogs -q

demo: all
	@rm -rf $(DEMO)
	./$(BUILD)/observa demo $(DEMO)

clean:
	rm -rf $(BUILD) $(SAN) build-fuzz
