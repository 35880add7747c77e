-- luarocks --lua-version 5.4 make      (Debian: apt-get install luarocks)
--
-- Builds the Lua module with the project's own Meson build (the library is
-- linked into svcm.so statically) in build-luarocks/, then installs svcm.so.
-- Needs meson, ninja, a C11 compiler and the Lua 5.4 headers (liblua5.4-dev);
-- nothing is downloaded.
rockspec_format = "3.0"
package = "svcm"
version = "0.2.0-1"
source = {
   url = "git+https://example.invalid/svcm.git",
   tag = "v0.2.0",
}
description = {
   summary = "Service metrics: segmentation, priority, PDCA cycles and KPIs, in C",
   detailed = [[
svcm scores and measures customer service: RFM tiers and lifetime models,
Eisenhower / ITIL priorities, PDCA cycles with a statistical Check, and KPIs
(CSAT, NPS, CES, response-time quantiles, SLA timers, Erlang C staffing).
]],
   license = "MIT",
   labels = { "statistics", "crm", "helpdesk" },
}
dependencies = {
   "lua >= 5.4, < 5.5",
}
build = {
   type = "command",
   build_command = [[
[ -f build-luarocks/build.ninja ] ||
  meson setup build-luarocks --buildtype=release -Dlua=enabled -Dpython=disabled -Dtests=false -Dcli=false &&
ninja -C build-luarocks bindings/lua/svcm.so
]],
   install = {
      lib = { svcm = "build-luarocks/bindings/lua/svcm.so" },
   },
}
