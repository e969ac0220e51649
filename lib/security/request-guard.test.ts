import { describe, expect, it } from "vitest";
import { checkRequestBody, isPlainActionReply, MAX_REQUEST_BODY_BYTES } from "./request-guard";

const ACTION = { "next-action": "60".padEnd(42, "a") };

function post(body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request("http://localhost/login", { method: "POST", body, headers });
}

describe("isPlainActionReply", () => {
  it("accepts what our forms and calls send", () => {
    expect(isPlainActionReply("[]")).toBe(true);
    expect(isPlainActionReply('["$undefined","$K1"]')).toBe(true);
    expect(isPlainActionReply('[{"errors":{"code":["x"]},"values":{"email":"$$dollar"}},"$K1a"]')).toBe(true);
    expect(isPlainActionReply('[{"id":"abc","response":{"clientDataJSON":"eyJ0"},"clientExtensionResults":{}},"/settings"]')).toBe(true);
    expect(isPlainActionReply('[{"pending":{"generatedAt":"$D2026-11-23T10:00:00.000Z"}},"$K2"]')).toBe(true);
  });

  it("refuses what isn't a JSON array", () => {
    expect(isPlainActionReply("")).toBe(false);
    expect(isPlainActionReply("not json{")).toBe(false);
    expect(isPlainActionReply('{"0":"x"}')).toBe(false);
    expect(isPlainActionReply('"x"')).toBe(false);
  });

  it("refuses references to other chunks and values no action takes", () => {
    for (const ref of ["$@1", "$Q2", "$W3", "$h1", "$F2", "$T", "$i1", "$B1", "$n12", "$R1", "$Kzz"]) {
      expect(isPlainActionReply(JSON.stringify([ref])), ref).toBe(false);
      expect(isPlainActionReply(JSON.stringify([{ nested: [ref] }])), ref).toBe(false);
    }
  });

  it("refuses nesting deeper than any argument of ours", () => {
    expect(isPlainActionReply("[".repeat(10) + "]".repeat(10))).toBe(true);
    expect(isPlainActionReply("[".repeat(20_000) + "]".repeat(20_000))).toBe(false);
  });
});

describe("checkRequestBody", () => {
  it("lets our own requests through", async () => {
    const form = new FormData();
    form.set("$ACTION_REF_1", "");
    form.set("$ACTION_1:0", '{"id":"606e","bound":"$@1"}');
    form.set("$ACTION_1:1", "[{}]");
    form.set("email", "a@b.test");
    expect(await checkRequestBody(post(form))).toBeNull();
    const jsForm = new FormData();
    jsForm.set("0", '["$undefined","$K1"]');
    jsForm.set("1_email", "a@b.test");
    expect(await checkRequestBody(post(jsForm, ACTION))).toBeNull();
    expect(await checkRequestBody(post('[{"id":"x"},"/"]', { ...ACTION, "content-type": "text/plain;charset=UTF-8" }))).toBeNull();
    expect(await checkRequestBody(post(null))).toBeNull();
  });

  it("refuses bodies over the limit by their declared length", async () => {
    const big = "a".repeat(MAX_REQUEST_BODY_BYTES + 1);
    expect(await checkRequestBody(post(big, { "content-length": String(big.length) }))).toMatchObject({ status: 413 });
    expect(await checkRequestBody(post("x", { "content-length": "12abc" }))).toMatchObject({ status: 400 });
    expect(await checkRequestBody(post("x", { "transfer-encoding": "chunked" }))).toMatchObject({ status: 411 });
  });

  it("refuses form bodies that don't parse", async () => {
    const truncated = '--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--zz';
    expect(await checkRequestBody(post(truncated, { "content-type": "multipart/form-data; boundary=zzz" }))).toMatchObject({ status: 400 });
    expect(await checkRequestBody(post("abc", { "content-type": "multipart/form-data" }))).toMatchObject({ status: 400 });
  });

  it("refuses Server Action bodies Next.js can't decode", async () => {
    const text = { ...ACTION, "content-type": "text/plain;charset=UTF-8" };
    expect(await checkRequestBody(post("not json{", text))).toMatchObject({ status: 400 });
    expect(await checkRequestBody(post('["$@1"]', text))).toMatchObject({ status: 400 });
    expect(await checkRequestBody(post("[]", { ...ACTION, "content-type": "application/json" }))).toMatchObject({ status: 415 });
    expect(await checkRequestBody(post("a=b", { ...ACTION, "content-type": "application/x-www-form-urlencoded" }))).toMatchObject({ status: 415 });
    const noRoot = new FormData();
    noRoot.set("email", "a@b.test");
    expect(await checkRequestBody(post(noRoot, ACTION))).toMatchObject({ status: 400 });
    const boundJunk = new FormData();
    boundJunk.set("$ACTION_1:0", '{"id":"606e","bound":"$@1"}');
    boundJunk.set("$ACTION_1:1", '["$@7"]');
    expect(await checkRequestBody(post(boundJunk))).toMatchObject({ status: 400 });
  });
});
