/** Shared by the server and the forms. */
export const KEY_NAME_MAX_LENGTH = 64;
