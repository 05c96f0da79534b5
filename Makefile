# wcbench build. `make` builds ./wcbench for this machine (hwloc when pkg-config finds it).
# `make ARCH=aarch64 CROSS_COMPILE=aarch64-linux-gnu-` builds a static ./wcbench-aarch64;
# `make static` a static ./wcbench-x86_64 (both run inside guests; topology from sysfs).

HOST_ARCH := $(shell uname -m)
ARCH ?= $(HOST_ARCH)
CROSS_COMPILE ?=
CC := $(if $(CROSS_COMPILE),$(CROSS_COMPILE)gcc,$(CC))
ifeq ($(origin CC),default)
CC := cc
endif
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# snprintf into fixed buffers truncates on purpose (names, messages): gcc's guess is noise here.
WARN += $(shell $(CC) -Werror -Wno-format-truncation -x c -c -o /dev/null /dev/null 2>/dev/null && echo -Wno-format-truncation)
CFLAGS ?= -O2 -g
ALL_CFLAGS = $(CFLAGS) $(WARN) -std=gnu11 -pthread -Ikernels -Ibench -Ivfio -D_GNU_SOURCE \
	$(EXTRA_CFLAGS)
LDLIBS = -pthread -lm
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

ifneq ($(ARCH),$(HOST_ARCH))
STATIC := 1
endif
STATIC ?= 0

ifeq ($(STATIC),1)
# hwloc's own dependencies (libudev) have no static archive: topology comes from sysfs.
HWLOC := 0
LDFLAGS += -static
else
HWLOC ?= $(shell $(PKG_CONFIG) --exists hwloc 2>/dev/null && echo 1 || echo 0)
endif
ifeq ($(HWLOC),1)
ALL_CFLAGS += -DHAVE_HWLOC=1 $(shell $(PKG_CONFIG) --cflags hwloc)
LDLIBS += $(shell $(PKG_CONFIG) --libs hwloc)
endif

COMPILER := $(if $(findstring clang,$(CC)),-clang)
BUILD := build/$(ARCH)$(if $(filter 1,$(STATIC)),-static)$(if $(SAN),-san)$(COMPILER)
ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

ifeq ($(ARCH),$(HOST_ARCH))
BIN := $(if $(filter 1,$(STATIC)),wcbench-$(ARCH),$(if $(SAN),wcbench-san,wcbench))
else
BIN := wcbench-$(ARCH)
endif

KERNEL_SRC := kernels/kernels.c kernels/generic/store_c.c $(wildcard kernels/$(ARCH)/*.c)
LIB_SRC := $(filter-out bench/cmd/main.c,$(wildcard bench/*/*.c)) $(wildcard vfio/*.c) $(KERNEL_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/bench/vm/payload/blob.o
MAIN_OBJ := $(BUILD)/bench/cmd/main.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
KTEST_OBJ := $(BUILD)/tests/kernel_check.o

.PHONY: FORCE all static cross-aarch64 test test-programs test-programs-only run install clean bench-peers san-cli
all: $(BIN)

$(BIN): $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The version lives in one object, rebuilt when `git describe` changes (a stamp holds the last).
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = '$(VERSION)' ] || echo '$(VERSION)' >$@
$(BUILD)/bench/common/version.o: $(BUILD)/version.stamp
$(BUILD)/bench/common/version.o: ALL_CFLAGS += -DWCBENCH_VERSION='"$(VERSION)"'
FORCE:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The microVM's payload (wcbench vm): bench/vm/payload/ and this arch's store kernels, built
# freestanding, linked at VM_RAM_IPA, embedded as a raw image. Its own flags: no sanitizer, no
# libc, no PIC; the compiler's FP/SIMD is allowed (the kernels need it; the entry enables it).
PAYLOAD_DIR := bench/vm/payload/$(ARCH)
OBJCOPY := $(if $(CROSS_COMPILE),$(CROSS_COMPILE)objcopy,objcopy)
ifneq ($(wildcard $(PAYLOAD_DIR)/payload.ld),)
PAYLOAD_SRC := $(wildcard $(PAYLOAD_DIR)/*.S) $(wildcard $(PAYLOAD_DIR)/*.c) bench/vm/payload/payload.c \
	kernels/kernels.c $(wildcard kernels/$(ARCH)/*.c)
PAYLOAD_OBJ := $(addsuffix .o,$(PAYLOAD_SRC:%=$(BUILD)/payload/%))
PAYLOAD_CFLAGS := -O2 -g $(WARN) -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-exceptions -DWC_FREESTANDING -Ikernels -Ibench \
	$(if $(filter x86_64,$(ARCH)),-mno-red-zone)
$(BUILD)/payload/%.o: %
	@mkdir -p $(dir $@)
	$(CC) $(PAYLOAD_CFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/payload.elf: $(PAYLOAD_OBJ) $(PAYLOAD_DIR)/payload.ld
	$(CC) -nostdlib -static -Wl,--build-id=none -Wl,-T,$(PAYLOAD_DIR)/payload.ld -o $@ $(PAYLOAD_OBJ) -lgcc
$(BUILD)/payload.bin: $(BUILD)/payload.elf
	$(OBJCOPY) -O binary $< $@
$(BUILD)/bench/vm/payload/blob.o: $(BUILD)/payload.bin
PAYLOAD_DEF := -DPAYLOAD_BIN='"$(BUILD)/payload.bin"'
-include $(PAYLOAD_OBJ:.o=.d)
endif
$(BUILD)/bench/vm/payload/blob.o: bench/vm/payload/blob.S
	@mkdir -p $(dir $@)
	$(CC) $(PAYLOAD_DEF) -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(KTEST_OBJ:.o=.d)

# Test programs, built for whatever ARCH this make is for.
$(BUILD)/unit_tests: $(UNIT_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/kernel_check: $(KTEST_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
test-programs: $(BIN) $(BUILD)/unit_tests $(BUILD)/kernel_check
test-programs-only: $(BUILD)/unit_tests $(BUILD)/kernel_check

static:
	$(MAKE) STATIC=1
cross-aarch64:
	$(MAKE) ARCH=aarch64 CROSS_COMPILE=aarch64-linux-gnu- test-programs

# Everything the test suite runs: native, sanitizer, static and aarch64 builds.
test:
	$(MAKE) test-programs
	$(MAKE) SAN=1 test-programs
	$(MAKE) SAN=1
	$(MAKE) CC=clang test-programs-only
	$(MAKE) STATIC=1
	$(MAKE) cross-aarch64
	tests/run_all.sh

run: $(BIN)
	./$(BIN) run

# wcbench's store kernels against likwid-bench's, pmbw's and tinymembench's on one CPU (PEERS_CPU,
# default 0; PEERS="likwid tinymembench" runs some); `./setup.sh peers` installs the peers Debian
# has. bench/peers/peers.sh says how each is run.
PEERS_CPU ?= 0
bench-peers: $(BIN)
	WCBENCH=./$(BIN) bench/peers/peers.sh $(PEERS_CPU)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/wcbench/plots
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/wcbench
	install -m 644 plots/*.gp $(DESTDIR)$(PREFIX)/share/wcbench/plots/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	if [ -d guest ]; then install -d $(DESTDIR)$(PREFIX)/share/wcbench/guest && \
		cp -R guest/. $(DESTDIR)$(PREFIX)/share/wcbench/guest/; fi

clean:
	rm -rf build wcbench wcbench-* 

# The sanitizer build of the CLI itself, for the end-to-end tests.
san-cli:
	$(MAKE) SAN=1
