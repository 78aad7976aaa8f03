# Builds each function as a Lambda custom-runtime package: an executable named `bootstrap` for
# provided.al2023. `sam build` calls these targets for functions with `BuildMethod: makefile`
# (CodeUri: .), setting ARTIFACTS_DIR; by hand: `make build-ApiFunction` (output in artifacts/).
#
#   RID=linux-arm64   arm64 functions. NativeAOT cannot cross-link from x64 with gcc: build on an arm64
#                     host (or install clang, lld and an aarch64 sysroot); RID=linux-arm64 AOT=false
#                     (self-contained JIT) works from x64.
#   AOT=false         self-contained JIT instead of NativeAOT
#   ENRICHMENT_AOT=true  NativeAOT for the enrichment function too. By default it ships as self-contained
#                     ReadyToRun JIT: it is a long-lived stream consumer, where Dynamic PGO makes a record
#                     about 1.3x cheaper than NativeAOT code (see README, Benchmarks), and a sandbox's extra
#                     ~0.5 s start-up is paid once for hours of batches.
#
# The NativeAOT binaries need glibc 2.34 at most (provided.al2023 has 2.34) when built on Debian 12.
#
# Every other .NET build method of sam build installs Amazon.Lambda.Tools first; this one needs only
# the .NET SDK.

DOTNET ?= dotnet
CONFIGURATION ?= Release
RID ?= linux-x64
AOT ?= true
ENRICHMENT_AOT ?= false

# SAM sets ARTIFACTS_DIR; by hand each target gets its own folder.
build-%: ARTIFACTS_DIR ?= $(CURDIR)/artifacts/$(@:build-%=%)

# $(1): project name under functions/; $(2): true for NativeAOT, false for ReadyToRun JIT. The executable
# keeps its assembly name while publishing (tests and the local stack run it by that name) and is renamed
# to bootstrap in the package.
define publish-function
	rm -rf "$(ARTIFACTS_DIR)" && mkdir -p "$(ARTIFACTS_DIR)"
	$(DOTNET) publish functions/$(1)/$(1).csproj --nologo -c $(CONFIGURATION) -r $(RID) --self-contained \
		-p:PublishAot=$(2) -p:PublishReadyToRun=$(if $(filter true,$(2)),false,true) -p:PublishTrimmed=true \
		-p:StripSymbols=true -p:DebugType=none -o "$(ARTIFACTS_DIR)"
	mv "$(ARTIFACTS_DIR)/$(1)" "$(ARTIFACTS_DIR)/bootstrap"
	rm -f "$(ARTIFACTS_DIR)"/*.dbg "$(ARTIFACTS_DIR)"/*.pdb
	chmod 755 "$(ARTIFACTS_DIR)/bootstrap"
endef

.PHONY: build-ApiFunction build-EnrichmentFunction build-LifecycleFunction build-MeteringFunction build-all clean-artifacts

build-ApiFunction:
	$(call publish-function,Onboarding.Api,$(AOT))

build-EnrichmentFunction:
	$(call publish-function,Onboarding.Enrichment,$(ENRICHMENT_AOT))

build-LifecycleFunction:
	$(call publish-function,Onboarding.Lifecycle,$(AOT))

build-MeteringFunction:
	$(call publish-function,Onboarding.Metering,$(AOT))

build-all: build-ApiFunction build-EnrichmentFunction build-LifecycleFunction build-MeteringFunction

clean-artifacts:
	rm -rf artifacts
