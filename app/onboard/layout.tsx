import { getEnv } from "@/lib/env";
import { CustomerHeader } from "./_components/customer-header";

/** Every customer page opens with who is asking, as the page's banner. */
export default function CustomerLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <CustomerHeader isvName={getEnv().ISV_NAME} />
      {children}
    </>
  );
}
