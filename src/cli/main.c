/* svcm: the command-line tool. */
#include <stdio.h>
#include <string.h>

#include "svcm.h"

static void usage(FILE *out)
{
    fputs("usage: svcm [--version] [--help] COMMAND [ARGS]\n"
          "\n"
          "Service metrics over CSV files: customer tiers, priorities, PDCA\n"
          "cycles and KPIs, computed by the svcm library.\n"
          "\n"
          "options:\n"
          "  --version   print the version and exit\n"
          "  --help      print this help and exit\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("svcm %s\n", svcm_version());
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "svcm: unknown command '%s' (try svcm --help)\n", argv[1]);
    return 2;
}
