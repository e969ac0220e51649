import { expect, it } from "vitest";
import { fileNamePart } from "./file-name";

it("keeps names and addresses readable and drops what a file name or header can't hold", () => {
  expect(fileNamePart("Acme Secure")).toBe("acme-secure");
  expect(fileNamePart("alice+work@example.com")).toBe("alice+work@example.com");
  expect(fileNamePart('a"b;c/d\\e')).toBe("a-b-c-d-e");
  expect(fileNamePart("..hidden")).toBe("hidden");
});
