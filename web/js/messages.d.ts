// Types for messages.js.
export declare function answerErrorMessage(code: string, serverMessage?: string): string;
export declare function signInErrorMessage(type: string, serverMessage?: string, step?: "password" | "new_password"): string;
export declare function signedOutNotice(reason: string): string;
