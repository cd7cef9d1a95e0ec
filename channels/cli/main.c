/* SPDX-License-Identifier: MIT */
/* `destek`: one binary, subcommands from a dispatch table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const command commands[] = {
    {"serve", cmd_serve,
     "serve [--db PATH] [--kb DIR] [--port N] [--host ADDR] [--limits off]\n"
     "        [--origins URL,...] [--identity-secret S]   the chat server"},
    {"chat", cmd_chat,
     "chat [--db PATH] [--kb DIR] [--hours open|closed|auto] [--now ISO]\n"
     "                                   talk to the bot in the terminal (kept in the store)"},
    {"classify", cmd_classify,
     "classify [--kb DIR]              one message per stdin line -> JSON lines"},
    {"explain", cmd_explain,
     "explain \"mesaj\" [--kb DIR]       how the bot reads a message and why"},
    {"kb", cmd_kb,
     "kb test FILE.tsv [--kb DIR]      accuracy, macro-F1, confusions on a labelled set\n"
     "  kb lint [--kb DIR]               check the knowledge base, warn about weak examples\n"
     "  kb flows [--kb DIR]              the dialogue flows, their steps and intents"},
    {"bench", cmd_bench,
     "bench [--kb DIR] [--eval FILE] [--seconds S] [--runs N] [--json]\n"
     "                                   classify throughput and latency\n"
     "  bench --dialogue --orders FILE.json [--db PATH]\n"
     "                                   dialogue turns/s with the order store"},
    {"orders", cmd_orders,
     "orders import FILE.json [--db PATH]\n"
     "                                   load orders, all or nothing (default ./destek.db)\n"
     "  orders show ID [--db PATH]       print a stored order as JSON"},
    {"returns", cmd_returns,
     "returns list [--db PATH] [--json]  returns, exchanges and cases, oldest first"},
    {"agents", cmd_agents,
     "agents add NAME [--db PATH] [--capacity N]   create an agent, print its token"},
    {"privacy", cmd_privacy,
     "privacy export|erase (--email ADDR | --phone NUMBER | --order ID) [--db PATH]\n"
     "                                   a customer's data as JSON, or erased for good\n"
     "  privacy purge [--db PATH] [--kb DIR] [--now ISO]\n"
     "                                   apply shop.json's retention periods\n"
     "  privacy log [--db PATH] [--json]  the destruction records\n"
     "  privacy access [--conversation ID] [--db PATH] [--json]\n"
     "                                   which agent opened which conversation, when"},
    {"report", cmd_report,
     "report [--db PATH] [--from DATE] [--to DATE] [--json] [--kb DIR]\n"
     "                                   the customer-service figures of a period"},
    {"review", cmd_review,
     "review list [--db PATH] [--json]  messages the bot did not understand, grouped\n"
     "  review assign ID INTENT [--db PATH] [--kb DIR]\n"
     "                                   teach the knowledge base what the message is\n"
     "  review dismiss ID [--db PATH]    out of scope: leaves the list"},
    {"version", cmd_version, "version"},
    {"help", cmd_help, "help"},
};

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("destek %s: Turkish-first customer-service chat engine\n\nusage: destek COMMAND ...\n\n",
           DESTEK_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  %s\n", commands[i].usage);
    printf("\nThe knowledge base defaults to ./intents (see docs/KB_FORMAT.md).\n");
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("destek %s\n", DESTEK_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_help(argc, argv);
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    if (strcmp(name, "--version") == 0)
        name = "version";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].run(argc, argv);
    fprintf(stderr, "destek: unknown command \"%s\" (try: destek help)\n", argv[1]);
    return 2;
}
