# Every dependency comes from Debian 12 packages (see scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(CURL REQUIRED)
# abseil comes with gRPC in Debian; absl::Status is our error currency.
find_package(absl CONFIG REQUIRED)

pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
pkg_check_modules(OPENCC REQUIRED IMPORTED_TARGET opencc)
pkg_check_modules(HYPERSCAN REQUIRED IMPORTED_TARGET libhs)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

# Debian's SOCI ships no CMake package: locate the libraries directly.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql REQUIRED)
add_library(soci::soci INTERFACE IMPORTED)
# SOCI's PostgreSQL header includes libpq-fe.h, which Debian puts under postgresql/.
find_path(LIBPQ_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql REQUIRED)
target_include_directories(soci::soci INTERFACE ${SOCI_INCLUDE_DIR} ${LIBPQ_INCLUDE_DIR})
target_link_libraries(soci::soci INTERFACE
  ${SOCI_CORE_LIBRARY} ${SOCI_SQLITE3_LIBRARY} ${SOCI_POSTGRESQL_LIBRARY} ${CMAKE_DL_LIBS})

if(VOC_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(VOC_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
