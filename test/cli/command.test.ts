/**
 * The stack commands' command line and decisions, without Pulumi: flag parsing and its usage
 * errors, the help text, the exit code of an unknown command, and what `down` plans to do with
 * the data from the stack outputs.
 */
import { describe, expect, it, vi } from "vitest";
import { helpText, parseFlags } from "../../cli/command";
import { planData } from "../../cli/data";
import { COMMANDS, main } from "../../cli/main";
import { CliError, EXIT } from "../../cli/report";

const command = (name: string) => {
  const found = COMMANDS.find((c) => c.name === name);
  if (found === undefined) {
    throw new Error(`no command ${name}`);
  }
  return found;
};

describe("parseFlags", () => {
  it("defaults the stack to dev and takes --stack NAME, --stack=NAME and --config-dir", () => {
    expect(parseFlags(command("up"), []).target).toEqual({ stack: "dev", configDir: undefined });
    expect(parseFlags(command("up"), ["--stack", "prod"]).target.stack).toBe("prod");
    expect(parseFlags(command("up"), ["--stack=qa", "--config-dir", "/tmp/x"]).target).toEqual({
      stack: "qa",
      configDir: "/tmp/x",
    });
  });

  it("takes each command's own flags: up --refresh and repeated --target, outputs --show-secrets", () => {
    const up = parseFlags(command("up"), ["--refresh", "--target", "a", "--target", "b"]).flags;
    expect(up["refresh"]).toBe(true);
    expect(up["target"]).toEqual(["a", "b"]);
    expect(parseFlags(command("outputs"), ["--show-secrets"]).flags["show-secrets"]).toBe(true);
    expect(parseFlags(command("preview"), ["--expect-no-changes"]).flags["expect-no-changes"]).toBe(
      true,
    );
  });

  it("refuses an unknown flag, a flag of another command and a missing value with exit code 2", () => {
    for (const [name, argv] of [
      ["up", ["--bogus"]],
      ["down", ["--refresh"]],
      ["up", ["--stack"]],
      ["stop", ["extra"]],
    ] as const) {
      const error = (() => {
        try {
          parseFlags(command(name), argv);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error, `${name} ${argv.join(" ")}`).toBeInstanceOf(CliError);
      expect((error as CliError).code).toBe(EXIT.usage);
      expect((error as CliError).message).toContain(`npm run ${name} -- --help`);
    }
  });

  it("refuses a stack name Pulumi would not take, naming --stack", () => {
    expect(() => parseFlags(command("up"), ["--stack", "no spaces"])).toThrow(
      /--stack: "no spaces" is not a stack name/,
    );
  });
});

describe("help", () => {
  it("lists every flag of the command, the common ones and the exit codes", () => {
    const text = helpText(command("up"));
    for (const flag of [
      "--refresh",
      "--target URN",
      "--stack NAME",
      "--config-dir DIR",
      "--help",
    ]) {
      expect(text).toContain(flag);
    }
    expect(text).toContain("exit codes: 0 done, 1 failed");
  });

  it("every command has a summary and details", () => {
    expect(COMMANDS.map((c) => c.name)).toEqual([
      "up",
      "preview",
      "down",
      "outputs",
      "env",
      "doctor",
      "drift",
      "stop",
      "start",
      "pin-images",
      "backup",
      "restore",
      "forward",
    ]);
    for (const c of COMMANDS) {
      expect(c.summary.length, c.name).toBeGreaterThan(20);
      expect(c.details.trim().length, c.name).toBeGreaterThan(20);
    }
  });

  it("main prints the command list for --help (exit 0) and refuses an unknown command (exit 2)", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["--help"])).toBe(EXIT.ok);
      expect(String(out.mock.calls.map((c) => c[0]).join(""))).toContain("stop");
      expect(await main(["deploy"])).toBe(EXIT.usage);
      expect(String(err.mock.calls.map((c) => c[0]).join(""))).toContain(
        'unknown command "deploy"',
      );
      expect(await main(["down", "--help"])).toBe(EXIT.ok);
      expect(String(out.mock.calls.map((c) => c[0]).join(""))).toContain("new raw virtual");
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});

describe("planData (what down does with the data volume)", () => {
  const secrets = { masterKey: "sk-m", saltKey: "salt", databasePassword: "pw" };
  it("keeps the volume and saves the three secrets when the volume survives destroy", () => {
    expect(
      planData({
        dataVolume: { value: { name: "litellm_pgdata", deletedOnDestroy: false }, secret: false },
        dataSecrets: { value: secrets, secret: true },
      }),
    ).toEqual({ kind: "keep", volume: "litellm_pgdata", secrets });
  });

  it("saves nothing when deleteDataOnDestroy deletes the volume", () => {
    expect(
      planData({
        dataVolume: { value: { name: "v", deletedOnDestroy: true }, secret: false },
        dataSecrets: { value: secrets, secret: true },
      }),
    ).toEqual({ kind: "delete", volume: "v" });
  });

  it("has nothing to save without outputs or with incomplete secrets", () => {
    expect(planData({})).toEqual({ kind: "none" });
    expect(
      planData({
        dataVolume: { value: { name: "v", deletedOnDestroy: false }, secret: false },
        dataSecrets: { value: { masterKey: "sk-m" }, secret: true },
      }),
    ).toEqual({ kind: "none" });
  });
});
